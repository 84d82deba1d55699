"""Paper, for those without a device: sheets printed with a code each, typed in once,
counted as anybody's answers; and the result as spreadsheets holding the CSV's numbers."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import random
import shutil
import subprocess
from pathlib import Path

from odfdo import Document as OdsDocument
from openpyxl import load_workbook

from bot.domain.paper import new_code as new_sheet_code
from bot.domain.paper import numbered, printed, read_answers, read_code
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.flow.test_workshop_room import room_with_reference  # the room's reference and shared fields
from tests.stories import (
    assert_tagged,
    close,
    menu,
    pdf_pages,
    query,
    release,
    reopen_menu,
    set_up,
    status_text,
    take_part,
    workshop_id,
)

BOT_SETTINGS = {"min_group": 3}
SHEET = "ABCDEAB"  # one letter per statement of the small questionnaire


def test_a_sheet_code_survives_how_people_type_it_and_catches_a_typo() -> None:
    code = new_sheet_code()
    assert read_code(code) == code
    assert read_code(f" {printed(code).lower()} ") == code
    assert read_code(code.replace("0", "O").replace("1", "I")) == code
    for place in range(len(code)):  # every single mistyped character is caught
        for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if other != code[place]:
                assert read_code(code[:place] + other + code[place + 1:]) is None
    assert read_code(code[:-1]) is None and read_code(code + "A") is None


def test_a_line_of_letters_is_read_against_the_statements() -> None:
    assert read_answers("abc de, ab", 7).answers == tuple("ABCDEAB")
    assert read_answers("ABCDEA", 7).problem.value == "too_few"
    assert read_answers("ABCDEABA", 7).problem.value == "too_many"
    wrong = read_answers("ABCXEAB", 7)
    assert wrong.problem.value == "not_a_choice" and wrong.wrong == "X"


async def type_in(chris: Person, perspective: str, line: str) -> str:
    await chris.tap("📝 Papierbögen", menu(chris))
    await chris.tap("⌨️ Bögen eintippen")
    await chris.tap(perspective)
    await chris.send(line)
    return chris.last.text or ""


async def test_a_sheet_is_printed_typed_in_once_and_counted_on_paper(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(2):
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    await reopen_menu(chris)
    await chris.tap("📝 Papierbögen", menu(chris))
    assert "7 Aussagen" in chris.last.text
    await chris.tap("🖨 5 Bögen")
    sheets = chris.last
    assert sheets.kind == "document" and sheets.file_name == "papierboegen-Musterstadt.pdf"
    assert_tagged(sheets.file, "Selbstcheck-Workshop „Weltoffene Kommune“ – Fragebogen auf Papier")
    pages = pdf_pages(sheets)
    codes = {page.split("Bogen-Code ")[1].split()[0] for page in pages}
    assert len(codes) == 5 and all(read_code(code) for code in codes)
    assert all("Bogen-Code " in page for page in pages)  # the code on every page …
    starts = [i for i, page in enumerate(pages) if "Fragebogen auf Papier" in page]
    assert len(starts) == 5 and all(i % 2 == 0 for i in starts)  # … each on a right-hand page
    code = sorted(codes)[0]
    await chris.tap("🖨 20 Bögen")  # in files of five: others' reports take turns between them
    names = [m.file_name for m in chris.chat[-4:]]
    assert names == [f"papierboegen-Musterstadt-{n}.pdf" for n in range(1, 5)]
    assert "(Datei 4 von 4)" in (chris.last.caption or "")
    shown = os.environ.get("SELBSTCHECK_SCREENSHOTS")  # the README's picture of a sheet
    if shown and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", "-", str(Path(shown) / "paper-sheet")],
                       input=sheets.file, check=True)

    reply = await type_in(chris, "Politik", f"{code} {SHEET[:3]} {SHEET[3:]}")
    assert f"Bogen {code} ist gespeichert: eine Person der Perspektive „Politik“" in reply
    await chris.send(f"{code.lower()}{SHEET}")  # the same sheet again
    assert f"Der Bogen {code} ist bereits eingetragen" in chris.last.text
    await chris.send(f"{code[:-1]}{'1' if code[-1] == '0' else '0'} {SHEET}")  # a wrong check
    assert "kein gültiger Bogen-Code" in chris.last.text
    await chris.send(f"{sorted(codes)[1]} ABCDEA")
    assert "für jede der 7 Aussagen genau einen Buchstaben" in chris.last.text
    assert "(eingegeben: 6)" in chris.last.text

    await reopen_menu(chris)
    assert "3 beigetreten, 3 fertig (davon auf Papier: 1)" in menu(chris).text
    await chris.tap("📈 Stand")
    assert "Politik: 3 beigetreten, 3 mit Handlungsfeld, 3 fertig (davon auf Papier: 1)" in (
        status_text(chris))
    rows = await query(bot.database, "SELECT u.channel, p.perspective, r.status FROM paper_sheets s"
                       " JOIN users u USING (user_id) JOIN workshop_participants p USING (user_id)"
                       " JOIN runs r USING (user_id)")
    assert rows == [("paper", "politik", "finished")]


async def test_two_entries_of_one_sheet_at_once_store_it_once(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    paper = bot.services.storage.paper
    workshop = workshop_id(chris)
    code = new_sheet_code()
    answers = {"s": "A"}
    entered = await asyncio.gather(*(paper.enter(workshop, code, "politik", None, answers)
                                     for _ in range(4)))
    assert sorted(entered) == [False, False, False, True]
    assert await query(bot.database, "SELECT COUNT(*) FROM users WHERE channel = 'paper'") == [(1,)]


async def test_a_closed_or_deleted_workshop_takes_its_paper_people_along(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    await type_in(chris, "Bildung", f"{new_sheet_code()} {SHEET}")
    await close(chris)
    await chris.tap("📝 Papierbögen", menu(chris))
    assert "Bögen lassen sich nicht mehr eintragen" in chris.last.text
    assert "⌨️ Bögen eintippen" not in str(chris.last.reply_markup)
    await reopen_menu(chris)
    await chris.tap("Workshop löschen")
    await chris.tap("Ja, endgültig löschen")
    assert await query(bot.database, "SELECT COUNT(*) FROM users WHERE channel = 'paper'") == [(0,)]


async def exports(harness: BotHarness, on_paper: bool) -> dict[str, bytes]:
    """Three on the phone and a fourth on the phone or on paper, all of Politik; the
    released result as CSV, XLSX and ODS."""
    chris = harness.person(1, "Chris")
    payload = await set_up(chris)
    for i, answers in enumerate(("AABBCCD", "ABCDABC", "DDCCBBA")):
        await take_part(harness.person(10 + i, f"P{i}"), payload, "Politik", answers)
    if on_paper:
        await reopen_menu(chris)
        assert "ist gespeichert" in await type_in(chris, "Politik", f"{new_sheet_code()} {SHEET}")
    else:
        await take_part(harness.person(20, "Q"), payload, "Politik", SHEET)
    await close(chris)
    files = {}
    for label, kind in (("CSV-Export", "csv"), ("Excel (XLSX)", "xlsx"), ("LibreOffice (ODS)", "ods")):
        await chris.tap(label, menu(chris))
        assert chris.last.file_name == f"workshop-Musterstadt.{kind}"
        files[kind] = chris.last.file
    return files


async def test_a_paper_participant_moves_the_aggregates_as_a_phone_participant_would(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    released = []
    for on_paper in (False, True):  # the same noise in both rooms: the same numbers or not
        async with BotHarness(tmp_path / f"{on_paper}.db", small_questionnaire, renderer,
                              min_group=3, release_noise=random.Random(11)) as harness:
            released.append(await exports(harness, on_paper))
    assert released[0]["csv"] == released[1]["csv"]
    assert b"Politik;4;" in released[0]["csv"]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def ods_sheets(content: bytes) -> dict[str, list[list[object]]]:
    document = OdsDocument(io.BytesIO(content))
    return {table.name: [[cell.value for cell in row.traverse()] for row in table.traverse()]
            for table in document.body.tables}


async def test_the_spreadsheets_hold_the_csv_numbers_as_numbers_and_formulas_as_text(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    plan = [("Politik", "AAAAAAA")] * 3 + [("Bildung", "DDDDDDE")] * 3
    for i, (perspective, answers) in enumerate(plan):
        await take_part(bot.person(10 + i, f"P{i}"), payload, perspective, answers)
    await release(chris)
    await chris.tap("🤝 Vereinbarte Schritte")
    await chris.tap("➕ Schritt eintragen")
    await chris.send('=HYPERLINK("https://example.org")\n@SUM(A1:A9)\n+1')
    await close(chris)
    files = {}
    for label in ("CSV-Export", "Excel (XLSX)", "LibreOffice (ODS)"):
        await chris.tap(label, menu(chris))
        files[label] = chris.last.file
    rows = csv_rows(files["CSV-Export"])
    for sheets in (xlsx_sheets(files["Excel (XLSX)"]), ods_sheets(files["LibreOffice (ODS)"])):
        assert list(sheets) == ["Handlungsfelder", "Aussagen", "Gesprächsanlässe",
                                "Gemeinsame Baustellen", "Vereinbarte Schritte"]
        fields = sheets["Handlungsfelder"]
        assert fields[0][3:7] == ["Personen mit Einschätzung (Anzahl)", "Antworten (Anzahl)",
                                  "davon „Keine Einschätzung möglich“ (Anzahl)",
                                  "Anteil der möglichen Punkte in %"]
        expected = [[r[3], *(int(v) if v else None for v in r[4:8])] for r in rows
                    if r and r[0] == "Handlungsfeld"]
        assert [[row[2], *(None if v is None else int(v) for v in row[3:7])]
                for row in fields[1:]] == expected
        assert all(isinstance(v, (int, float)) for row in fields[1:] for v in row[3:7]
                   if v is not None)
        statements = [[r[1], r[3], *(int(v) if v else None for v in r[4:8])] for r in rows
                      if r and r[0] == "Aussage"]
        assert [[row[0], row[2], *(None if v is None else int(v) for v in row[3:7])]
                for row in sheets["Aussagen"][1:]] == statements
        assert len(sheets["Gesprächsanlässe"]) > 1  # Politik and Bildung differ by far
        assert sheets["Gemeinsame Baustellen"][0][0] == "Ebene"
        assert sheets["Vereinbarte Schritte"][1][1:] == [
            "'=HYPERLINK(\"https://example.org\")", "'@SUM(A1:A9)", "'+1"]
    step = next(r for r in rows if r and r[0] == "Schritt")
    assert step[2] == "'=HYPERLINK(\"https://example.org\")"
    book = load_workbook(io.BytesIO(files["Excel (XLSX)"]))
    cell = book["Vereinbarte Schritte"]["B2"]
    assert cell.data_type == "s"  # a text cell, never a formula
    ods = OdsDocument(io.BytesIO(files["LibreOffice (ODS)"]))
    table = next(t for t in ods.body.tables if t.name == "Vereinbarte Schritte")
    assert table.get_cell((1, 1)).type == "string" and table.get_cell((1, 1)).formula is None


def test_a_sheet_numbers_its_statements_through_as_they_are_typed(
        small_questionnaire: Questionnaire) -> None:
    numbers = [n for _, statements in numbered(small_questionnaire.fields) for n, _ in statements]
    assert numbers == list(range(1, 8))


async def test_the_spreadsheets_hold_the_reference_and_shared_low_fields_as_the_csv(
        bot: BotHarness) -> None:
    chris = await room_with_reference(bot)
    files = {}
    for label in ("CSV-Export", "Excel (XLSX)", "LibreOffice (ODS)"):
        await chris.tap(label, menu(chris))
        files[label] = chris.last.file
    rows = csv_rows(files["CSV-Export"])
    fields = [[r[3], *(int(v) if v else None for v in r[4:8])] for r in rows
              if r and r[0] == "Handlungsfeld"]
    assert any(row[0].startswith("Referenz: ") for row in fields)
    shared = [[r[1], r[2], int(r[4])] for r in rows if r and r[0] == "Gemeinsame Baustelle"]
    assert shared
    for sheets in (xlsx_sheets(files["Excel (XLSX)"]), ods_sheets(files["LibreOffice (ODS)"])):
        assert [[row[2], *(None if v is None else int(v) for v in row[3:7])]
                for row in sheets["Handlungsfelder"][1:]] == fields
        assert [[row[0], str(row[1]), int(row[3])]
                for row in sheets["Gemeinsame Baustellen"][1:]] == shared
