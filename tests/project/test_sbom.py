"""The software bill of materials names every runtime dependency with a licence that fits EUPL-1.2.

The SBOM is CycloneDX, made by ``cyclonedx-py environment`` from an installed
environment (README, "Für Ihre IT und Ihren Datenschutz"). Here it is made from
the environment running the tests, without network, and checked for the
runtime dependencies only: the packages ``selbstcheck-bot`` requires, with
their extras, and what those require in turn.

What counts as fitting EUPL-1.2: the bot is distributed under the EUPL and,
in the Docker image, together with its dependencies. A dependency fits when
its licence lets that happen without changing the bot's licence: permissive
licences (below), and the weak-copyleft licences the EUPL-1.2 names as
compatible in its appendix (LGPL-2.1, LGPL-3.0, MPL-2.0), which cover the
library itself, not the program using it. Strong copyleft (GPL, AGPL), a
proprietary, non-commercial or unknown licence does not fit: each would need a
decision about the bot's own licence, so the test stops there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from license_expression import LicenseSymbol, get_spdx_licensing
from packaging.markers import default_environment
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
PERMISSIVE = {"MIT", "MIT-0", "MIT-CMU", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "ISC",
              "Apache-2.0", "PSF-2.0", "Python-2.0", "HPND", "Zlib", "CC0-1.0", "Unlicense"}
WEAK_COPYLEFT = {"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
                 "MPL-2.0"}
FITTING = PERMISSIVE | WEAK_COPYLEFT
# Licences declared only as a trove classifier, by their classifier's name.
CLASSIFIERS = {
    "License :: OSI Approved :: BSD License": "BSD-3-Clause",
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)":
        "LGPL-2.1-or-later",
}
# Packages offered under a choice of licences, each listed as a separate licence,
# and the one the bot uses them under.
CHOSEN = {
    "pyphen": "LGPL-2.1-or-later",  # GPL-2.0-or-later or LGPL-2.1-or-later or MPL-1.1
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies() -> set[str]:
    """The installed distributions ``selbstcheck-bot`` needs to run, by normalized name."""
    found: set[str] = set()
    pending: list[tuple[str, frozenset[str]]] = [("selbstcheck-bot", frozenset())]
    while pending:
        name, extras = pending.pop()
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker and not any(
                    requirement.marker.evaluate({**default_environment(), "extra": extra})
                    for extra in extras | {""}):
                continue
            key = normalized(requirement.name)
            if key not in found:
                found.add(key)
                pending.append((requirement.name, frozenset(requirement.extras)))
    return found


@cache
def bill_of_materials() -> dict[str, Any]:
    made = subprocess.run(
        [sys.executable, "-m", "cyclonedx_py", "environment", "--pyproject",
         str(REPO / "pyproject.toml"), "--output-reproducible", "--of", "JSON", "-o", "-",
         sys.executable], capture_output=True, text=True, check=True, timeout=300)
    return json.loads(made.stdout)


def declared(component: dict[str, Any]) -> list[str]:
    """Each declared licence as an SPDX id or expression (a classifier by its SPDX id)."""
    licences = []
    for entry in component.get("licenses", []):
        if "expression" in entry:
            licences.append(entry["expression"])
        elif "id" in entry["license"]:
            licences.append(entry["license"]["id"])
        else:
            name = entry["license"]["name"]
            licences.append(CLASSIFIERS.get(name, name))
    return licences


def fits(expression: str) -> bool:
    """An SPDX expression fits when every licence joined by AND, and one of those joined by OR, does."""
    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(expression)
    except Exception:  # not an SPDX expression: an unknown licence
        return False
    return _fits(parsed)


def _fits(node: Any) -> bool:
    if isinstance(node, LicenseSymbol):
        return node.key in FITTING
    parts = [_fits(arg) for arg in node.args]
    return any(parts) if type(node).__name__ == "OR" else all(parts)


def test_every_runtime_dependency_is_in_the_sbom_with_a_fitting_licence() -> None:
    components = {normalized(c["name"]): c for c in bill_of_materials()["components"]}
    runtime = runtime_dependencies()
    assert {"python-telegram-bot", "aiosqlite", "jinja2", "weasyprint", "matplotlib",
            "apscheduler", "tornado"} <= runtime  # the extras' packages count too
    problems = []
    for name in sorted(runtime):
        component = components.get(name)
        if component is None:
            problems.append(f"{name}: missing from the SBOM")
            continue
        licences = declared(component)
        if not licences:
            problems.append(f"{name} {component['version']}: no licence declared")
        elif name in CHOSEN:
            if CHOSEN[name] not in licences or not fits(CHOSEN[name]):
                problems.append(f"{name}: the chosen licence {CHOSEN[name]} is not offered")
        elif not all(fits(licence) for licence in licences):
            problems.append(f"{name} {component['version']}: {' / '.join(licences)}")
    assert not problems, "\n".join(problems)


def test_the_sbom_describes_the_bot_itself_under_eupl() -> None:
    root = bill_of_materials()["metadata"]["component"]
    assert root["name"] == "selbstcheck-bot"
    assert declared(root) == ["EUPL-1.2"]


def test_the_licence_check_rejects_what_does_not_fit() -> None:
    assert fits("MIT") and fits("Apache-2.0 OR GPL-3.0-only") and fits("LGPL-3.0-only")
    for expression in ("GPL-3.0-only", "AGPL-3.0-or-later", "MIT AND GPL-2.0-only",
                       "CC-BY-NC-4.0", "LicenseRef-Proprietary", "Freeware, see website"):
        assert not fits(expression), expression


def test_the_readme_documents_the_sbom_command_and_where_it_writes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "cyclonedx-py environment --pyproject pyproject.toml" in readme
    assert "-o build/selbstcheck-bot.cdx.json" in readme
