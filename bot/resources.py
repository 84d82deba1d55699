"""Where the questionnaire and the templates live, installed or in a checkout.

``pip install .`` places ``questions/`` and ``reports/`` inside the ``bot``
package; in a source checkout they sit beside it. Both layouts must work so the
bot runs the same from a clone and from an installed wheel.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE_DIR / name
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / name


QUESTIONS_DIR = _data_dir("questions")
REPORTS_DIR = _data_dir("reports")
