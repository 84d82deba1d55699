"""A test language made from the German source: every text marked, so a test sees which
language it reads. Right to left by default, as a later Arabic or Persian edition would be.

Never shipped: it is written into a test's temporary copy of ``questions/`` and ``reports/``.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.domain.questionnaire import field_paths
from bot.output.languages import TEXT_FOLDERS

RTL_TAG = "ar-x-test"
RTL_MARK = "نص"  # "text": each translated questionnaire text and short text starts with it
_TEXTS = {"title", "short_title", "intro", "text", "info", "answering", "suggestion",
          "unknown_hint", "label", "publisher"}
_IDS = {"id", "key"}


def marked(text: str) -> str:
    return f"{RTL_MARK} {text}"


def write_test_language(questions: Path, reports: Path | None = None, tag: str = RTL_TAG,
                        mark: Callable[[str], str] = marked, direction: str = "rtl",
                        name: str = "اختبار") -> None:
    """``tag`` beside the source in ``questions`` (and in ``reports``, if given), complete."""
    target = questions / "languages" / tag
    target.mkdir(parents=True, exist_ok=True)
    for path in [*field_paths(questions), questions / "scale.toml", questions / "retired.toml"]:
        if path.exists():
            source = tomllib.loads(path.read_text(encoding="utf-8"))
            (target / path.name).write_text(_toml(_texts_only(source, mark, path.name)),
                                            encoding="utf-8")
    if reports is not None:
        write_test_texts(reports, tag, mark, direction, name)


def write_test_texts(reports: Path, tag: str, mark: Callable[[str], str] = marked,
                     direction: str = "rtl", name: str = "اختبار") -> None:
    folder = reports / "languages" / tag
    folder.mkdir(parents=True, exist_ok=True)
    for sub in TEXT_FOLDERS:
        shutil.copytree(reports / sub, folder / sub, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("static", "*.css.j2"))
    texts = tomllib.loads((reports / "texts.toml").read_text(encoding="utf-8"))
    (folder / "texts.toml").write_text(_toml(_marked_texts(texts, mark)), encoding="utf-8")
    (folder / "language.toml").write_text(
        f'name = {json.dumps(name, ensure_ascii=False)}\ndirection = "{direction}"\n'
        f'locale = "{tag.split("-")[0]}"\n', encoding="utf-8")


def _texts_only(data: dict[str, Any], mark: Callable[[str], str], name: str) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key in _IDS and name != "scale.toml" and key == "id" and "statements" in data:
            continue  # a field file's own id stays in the source
        if isinstance(value, str) and (key in _TEXTS or key in _IDS):
            # a short title names a button: it keeps the source's limit
            kept[key] = value if key in _IDS else mark(value)[:20 if key == "short_title" else None]
        elif isinstance(value, str) and key == "text":
            kept[key] = mark(value)
        elif isinstance(value, dict) and key in ("assessments", "topics", "insufficient"):
            kept[key] = {k: mark(v) for k, v in value.items() if isinstance(v, str)
                         and (key != "insufficient" or k == "label")}
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            kept[key] = [_texts_only(entry, mark, name) for entry in value]
    return kept


def _marked_texts(table: dict[str, Any], mark: Callable[[str], str]) -> dict[str, Any]:
    """Short texts marked where they hold words (a text that is only a template stays)."""
    return {key: _marked_texts(value, mark) if isinstance(value, dict)
            else (mark(value) if isinstance(value, str) and value[:2] not in ("{{", "{%") else value)
            for key, value in table.items()}


def _toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for what these files hold: strings, tables, arrays of tables."""
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()
             if isinstance(value, str)]
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.append(f"\n[{name}]")
            lines.append(_toml(value, f"{name}."))
        elif isinstance(value, list):
            for entry in value:
                lines.append(f"\n[[{name}]]")
                lines.append(_toml(entry, f"{name}."))
    return "\n".join(line for line in lines if line) + "\n"
