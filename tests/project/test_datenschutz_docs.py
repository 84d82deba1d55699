"""docs/datenschutz/ stays true to the code: every table and column, the figures it quotes.

A data-protection officer files these documents; a column added without being
described there would make them wrong without anybody noticing. So the schema is
read from a freshly migrated database (not from the migration source) and compared
with the columns the document names as `table.column`, both ways.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.config import DEFAULT_RETENTION_DAYS
from bot.domain import release_noise
from bot.domain.disclosure import DEFAULT_MIN_GROUP, LOWEST_MIN_GROUP
from bot.domain.workshop import TOKEN_BYTES
from bot.flows.privacy import CONFIRMATION_SECONDS
from bot.store.storage import Storage
from tests.clock import SettableClock

DOCS = Path(__file__).resolve().parents[2] / "docs" / "datenschutz"
MEASURES = DOCS / "technische-und-organisatorische-massnahmen.md"


async def schema_columns(tmp_path: Path) -> set[str]:
    storage = await Storage.open(tmp_path / "schema.db", SettableClock())
    await storage.close()
    connection = sqlite3.connect(tmp_path / "schema.db")
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {f"{table}.{column[1]}" for table in tables
                for column in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()


def documented_columns() -> set[str]:
    text = MEASURES.read_text(encoding="utf-8")
    section = text.split("## 1. Was wo gespeichert wird", 1)[1].split("\n## 2.", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", section, flags=re.MULTILINE))


async def test_every_table_and_column_is_documented_and_nothing_else(tmp_path: Path) -> None:
    actual = await schema_columns(tmp_path)
    documented = documented_columns()
    assert len(actual) > 40  # the whole schema, not an empty database
    assert not actual - documented, f"not described in {MEASURES.name}: {sorted(actual - documented)}"
    assert not documented - actual, f"described but not in the schema: {sorted(documented - actual)}"


def test_the_figures_quoted_are_the_codes() -> None:
    measures, register, notice = (
        " ".join(path.read_text(encoding="utf-8").split()) for path in (
            MEASURES, DOCS / "verzeichnis-von-verarbeitungstaetigkeiten.md",
            DOCS / "datenschutzhinweis.md"))
    assert f"(Voreinstellung: {DEFAULT_RETENTION_DAYS})" in measures
    assert f"Voreinstellung {DEFAULT_RETENTION_DAYS} Tage" in register
    assert f"höchstens aber bis [{DEFAULT_RETENTION_DAYS}] Tage" in notice
    assert f"`DEFAULT_MIN_GROUP = {DEFAULT_MIN_GROUP}`" in measures
    assert f"`LOWEST_MIN_GROUP = {LOWEST_MIN_GROUP}`" in measures
    for name in ("MAX_INTERIM_RELEASES", "VALUE_RATERS", "STATEMENT_SPREAD", "FIELD_SPREAD",
                 "UNKNOWN_SPREAD"):
        value = getattr(release_noise, name)
        assert f"`{name} = {value:g}`" in measures, name
    assert f"erst ab [{DEFAULT_MIN_GROUP}] Personen" in notice
    assert f"{TOKEN_BYTES} Byte ({TOKEN_BYTES * 8} Bit)" in measures
    assert f"gilt {CONFIRMATION_SECONDS // 60} Minuten" in measures


def test_the_privacy_notice_template_matches_what_datenschutz_says() -> None:
    """Every bullet of /datenschutz's list of stored data is in the template for participants."""
    template = (Path(__file__).resolve().parents[2] / "reports" / "chat" / "privacy.html.j2").read_text(
        encoding="utf-8")
    notice = " ".join((DOCS / "datenschutzhinweis.md").read_text(encoding="utf-8").split())
    # the notice gives k as a number in brackets for the operator to check, like the retention
    bullets = [line[2:].replace("{{ minimum }}", f"[{DEFAULT_MIN_GROUP}]")
               for line in template.splitlines() if line.startswith("• ")]
    assert len(bullets) >= 6
    for bullet in bullets:
        assert bullet in notice, bullet
