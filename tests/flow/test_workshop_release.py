"""Released results in the running bot: both attacks on the workshop's anonymity, played
through every output (chat, CSV, PDF) a coordinator can get."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import Change
from bot.flows.buttons import encode
from bot.flows.work_quota import WorkQuota
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.disclosure_attack import read_export, recovered_by_complement, withheld_counts_printed
from tests.stories import pdf_text, query, release, reopen_menu, result_text, set_up, status_text, take_part

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows


@pytest.fixture(autouse=True)
def no_report_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attacks below take a PDF after every step, more than a person may ask for in a
    minute; the quota has its own tests (test_fairness.py), here it would hide the PDFs."""
    monkeypatch.setattr(WorkQuota, "take", lambda self, user_id: None)

ATOMS = ["verwaltung_integration", "politik", "zivilgesellschaft"]
GROUPS = {"Gesamt": tuple(ATOMS), "Verwaltung: Integration": ("verwaltung_integration",),
          "Politik": ("politik",), "Zivilgesellschaft / Wohlfahrt": ("zivilgesellschaft",)}


def groups_of(csv_file: bytes) -> dict[str, tuple[str, ...]]:
    """Each label's perspectives, as the state view tells a coordinator: the pool is who is
    not shown on their own."""
    labels = {line.split(";")[3] for line in csv_file.decode("utf-8-sig").splitlines()[1:]}
    alone = {label: members for label, members in GROUPS.items() if label in labels}
    pooled = tuple(a for a in ATOMS if (a,) not in alone.values())
    return {**alone, "weitere Perspektiven": pooled}


async def every_view(chris: Person) -> tuple[str, bytes, str]:
    """The chat result, the CSV and the PDF's text, as the coordinator gets them now."""
    await reopen_menu(chris)
    await chris.tap("📊 Ergebnis")
    chat = result_text(chris)
    await reopen_menu(chris)
    await chris.tap("🗂 CSV-Export")
    csv_file = chris.last.file
    await chris.tap("📄 Bericht als PDF", chris.chat[-2])
    pdf = pdf_text(chris.last)
    assert csv_file is not None
    return chat, csv_file, pdf


async def interim_refused(chris: Person) -> bool:
    await reopen_menu(chris)
    await chris.tap("📈 Stand")
    await chris.tap("🔓 Zwischenstand freigeben")
    return chris.notices()[-1].startswith("Ein Zwischenstand geht noch nicht")


async def test_no_sequence_of_exports_around_joins_answers_and_deletions_shows_a_person(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    plan = ([("Verwaltung: Integration", "ABCDABC"), ("Verwaltung: Integration", "BBCAEDA"),
             ("Verwaltung: Integration", "ACCDBBA")]
            + [("Politik", "DDCBAEC"), ("Politik", "CDCBAAB"), ("Politik", "DCBBAED")]
            + [("Zivilgesellschaft / Wohlfahrt", "BACDDCB")] * 3)
    people = [bot.person(100 + i, f"P{i}") for i in range(len(plan))]
    for somebody, (perspective, answers) in zip(people, plan):
        await take_part(somebody, payload, perspective, answers)
    late = bot.person(300, "Late")
    await take_part(late, payload, "Politik", "AB")  # two answers: counts for nothing yet
    await release(chris)
    released = await every_view(chris)
    assert "Grundlage sind die Antworten von 9 Teilnehmer*innen" in released[0]

    # 1. one more joins and finishes; 2. the late one completes a field; 3. one changes an
    # answer; 4. one deletes their data: each time every view stays exactly as released,
    # and no interim release can separate the one person
    async def joins() -> None:
        await take_part(bot.person(301, "New"), payload, "Politik", "AAAAAAA")

    async def completes_a_field() -> None:
        await late.tap("D · ")

    async def changes_an_answer() -> None:
        [(run_id,)] = await query(bot.database, "SELECT id FROM runs WHERE user_id = ?",
                                  people[0].id)
        await people[0].tap_data(encode(Change(run_id, "eins-01", "D")), people[0].last)
        assert people[0].notices()[-1].startswith("Geändert: 1.1")

    async def deletes_their_data() -> None:
        await people[-1].send("/loeschen")
        await people[-1].tap("Ja, alle meine Daten löschen")

    for step in (joins, completes_a_field, changes_an_answer, deletes_their_data):
        await step()
        assert await interim_refused(chris), step.__name__
        assert "Für einen Zwischenstand fehlen seit der letzten Freigabe noch" in status_text(chris)
        chat, csv_file, pdf = await every_view(chris)
        assert (chat, csv_file, pdf) == released, step.__name__

    # Closing releases what changed, but no value that only those four people moved:
    # Politik changed by two, Verwaltung and Zivilgesellschaft by one each (k = 3).
    await reopen_menu(chris)
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    chat, csv_file, pdf = await every_view(chris)
    assert "Freigegeben beim Schließen des Workshops" in chat
    assert "Grundlage sind die Antworten von 10 Teilnehmer*innen" in chat  # 9 + 2 - 1
    before = read_export(released[1], groups_of(released[1]))
    after = read_export(csv_file, groups_of(csv_file))
    # the interim release showed the fields only: statements are released once, at closing
    assert {level for level, _ in before.rows} == {"Handlungsfeld"}
    assert {level for level, _ in after.rows} == {"Handlungsfeld", "Aussage"}
    for row, cells in after.rows.items():
        for label, numbers in cells.items():
            earlier = before.rows.get(row, {}).get(label)
            if numbers is not None and earlier is not None and label in before.groups:
                same_group = before.groups[label] == after.groups[label]
                assert numbers == earlier or label == "Gesamt" or not same_group, (row, label)
    assert recovered_by_complement(after, ATOMS) == []
    assert not withheld_counts_printed(csv_file)
    assert await query(bot.database, "SELECT kind FROM workshop_releases ORDER BY id") == [
        ("interim",), ("final",)]


async def test_a_coordinator_taking_part_is_told_and_not_counted(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    await chris.send(f"/start {payload}")
    assert "Sie moderieren diesen Workshop" in chris.last.text
    await chris.tap("Politik")
    for _ in range(7):
        await chris.tap("D · ")
    for i in range(3):
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    await release(chris)
    await chris.tap("📊 Ergebnis")
    text = result_text(chris)
    assert "Grundlage sind die Antworten von 3 Teilnehmer*innen" in text
    assert "Gesamt: Etablierte Stärke (100 %)" in text  # her D answers are not in it


async def test_by_default_k_is_five_and_the_state_view_says_who_is_pooled(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "k5.db", small_questionnaire, renderer) as five:
        chris = five.person(1, "Chris")
        await chris.send("/workshop Musterstadt")
        await chris.tap("Alle Handlungsfelder")
        await chris.tap("Weiter: Gruppen")
        assert "Eine Gruppe wird erst ab 5 Personen gezeigt" in chris.last.text
        await chris.tap("Workshop anlegen")
        payload = chris.chat[-3].text
        assert payload is not None and "mindestens 5 Personen geantwortet" in payload
        link = payload.split("?start=")[1].split()[0]
        for i in range(6):
            await take_part(five.person(10 + i, f"P{i}"), link,
                            ("Politik", "Zivilgesellschaft / Wohlfahrt", "Bildung")[i % 3],
                            "AAAAAAA")
        await reopen_menu(chris)
        await chris.tap("📈 Stand")
        status = chris.last.text
        assert "• Politik: 2 beigetreten, 2 mit Handlungsfeld, 2 fertig – für eine eigene " \
               "Auswertung fehlen noch 3" in status
        assert "Bleibt es so, gibt es nur die Werte für alle zusammen" in status
        await chris.tap("🔓 Zwischenstand freigeben")
        assert chris.notices()[-1].startswith("Zwischenstand freigegeben")
        text = result_text(chris)
        assert "Grundlage sind die Antworten von 6 Teilnehmer*innen" in text
        assert "Politik" not in text.split("Gesprächsanlässe")[0]  # 2 of 5: only in "Gesamt"
