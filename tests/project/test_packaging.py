"""Every package of the source tree ships with ``pip install .``.

pyproject.toml lists the packages by name (``questions/`` and ``reports/`` are mapped
into ``bot``), so a new sub-package that is not listed would be missing from an
installed bot while every test run from the checkout still imports it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_package_under_bot_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    in_tree = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "bot").rglob("__init__.py")}
    assert in_tree - listed == set()
