"""DSGVO for results and workshops: deleting a person takes them out of every workshop,
a workshop goes with its creator, /datenschutz says so, and nothing is written to disk
but the database."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.output.report_pdf import check_available
from tests.conftest import BotHarness, Person
from tests.stories import (
    REFUSAL,
    latest_link,
    make_inactive,
    menu,
    query,
    result_text,
    run_workshop,
    set_up,
    take_part,
)

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows

NO_RESULTS = "Es gibt noch keine Ergebnisse"


async def confirm_deletion(person: Person) -> str:
    """/loeschen and "Ja, löschen"; the confirmation question's text."""
    await person.send("/loeschen")
    question = person.last.text or ""
    await person.tap("Ja, alle meine Daten löschen")
    assert "Ihre Daten sind gelöscht" in (person.last.text or "")
    return question


async def test_a_participants_loeschen_takes_them_out_of_the_workshop(bot: BotHarness) -> None:
    chris, people = await run_workshop(bot)
    await chris.tap("📊 Ergebnis")
    assert "Grundlage sind die Antworten von 9 Teilnehmer*innen" in result_text(chris)

    question = await confirm_deletion(people[0])  # one of the three from Verwaltung: Integration
    assert "Ihre Antworten in Workshops zählen danach auch in deren gemeinsamen Ergebnissen " \
           "nicht mehr mit, von der nächsten Freigabe an" in question
    assert "angelegt haben" not in question  # she created no workshop

    status = menu(chris)
    await chris.tap("📈 Stand", status)  # shown in place of the menu
    assert "Beigetreten: 8 · mit mindestens einem Handlungsfeld: 8" in status.text
    assert "Verwaltung: Integration: 2 beigetreten, 2 mit Handlungsfeld, 2 fertig" in status.text
    # down to 2, Verwaltung: Integration will no longer be shown on its own
    assert "zusammengefasst als „weitere Perspektiven“: Verwaltung: Integration" in status.text
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_participants") == [(8,)]
    assert await query(bot.database, "SELECT COUNT(*) FROM runs WHERE user_id = ?",
                       people[0].id) == [(0,)]


async def test_a_creators_loeschen_deletes_the_workshop_and_its_people_are_told(
        bot: BotHarness) -> None:
    chris, bea = bot.person(1, "Chris"), bot.person(2, "Bea")
    pia, paul = bot.person(3, "Pia"), bot.person(4, "Paul")
    payload = await set_up(chris)
    await chris.tap("Co-Moderation einladen")
    await bea.send(f"/start {latest_link(chris, 'k')}")
    await pia.send("/start")
    await pia.tap("Selbstcheck beginnen")
    await pia.tap("A · ")  # her personal check, which stays
    await take_part(pia, payload, "Politik", "AB")
    await take_part(paul, payload, "Bildung", "CCCCCCC")
    open_statement = pia.button("A · ")
    bea_status = bea.button("📈 Stand")

    question = await confirm_deletion(chris)
    assert "Auch der Workshop, den Sie angelegt haben, wird gelöscht: „Musterstadt“" in question
    assert "mit allen Antworten, die andere darin gegeben haben" in question
    for table in ("workshops", "workshop_participants", "workshop_coordinators"):
        assert await query(bot.database, f"SELECT COUNT(*) FROM {table}") == [(0,)]
    assert await query(bot.database, "SELECT user_id, workshop_id FROM runs") == [(pia.id, None)]

    await pia.tap_data(*open_statement)  # a tap in the deleted workshop
    assert pia.notices()[-1].startswith(REFUSAL)
    assert "Workshop inzwischen gelöscht" in pia.notices()[-1]
    await pia.send("/weiter")
    assert "gesamt 1/7" in pia.last.text  # her own check, untouched
    await pia.send(f"/start {payload}")
    assert "Dieser Einladungslink ist nicht (mehr) gültig" in pia.last.text
    await bea.tap_data(*bea_status)  # the co-coordinator's menu
    assert bea.notices()[-1].startswith(REFUSAL)
    await bea.send("/workshop")
    assert "Für welche Kommune ist der Workshop?" in bea.last.text
    await paul.send("/ergebnis")  # his finished workshop run went with the workshop
    assert NO_RESULTS in paul.last.text


async def test_retention_takes_inactive_people_out_of_workshops_and_workshops_with_their_creator(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "r.db", small_questionnaire, renderer,
                          retention_days=30) as bot:
        chris, people = await run_workshop(bot)
        (job,) = bot.app.job_queue.get_jobs_by_name("retention")
        make_inactive(bot, people[8].id, days=31)  # the only one from "Andere"
        await job.run(bot.app)
        status = menu(chris)
        await chris.tap("📈 Stand", status)
        assert "Beigetreten: 8 · mit mindestens einem Handlungsfeld: 8" in status.text
        assert "Andere" not in status.text

        review = people[1].button("Antworten ändern")
        make_inactive(bot, chris.id, days=31)
        await job.run(bot.app)
        assert await query(bot.database, "SELECT COUNT(*) FROM workshops") == [(0,)]
        assert await query(bot.database, "SELECT COUNT(*) FROM runs") == [(0,)]
        assert await query(bot.database, "SELECT COUNT(*) FROM users") == [(8,)]  # kept
        await people[1].send(f"/start {latest_link(chris)}")
        assert "Dieser Einladungslink ist nicht (mehr) gültig" in people[1].last.text
        await people[1].tap_data(*review)  # a button of her run in the deleted workshop
        assert people[1].notices()[-1].startswith(REFUSAL)


async def test_datenschutz_covers_the_name_workshops_and_what_deleting_does(
        bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/datenschutz")
    text = "\n".join(m.text or "" for m in anna.chat)
    assert "den Namen Ihrer Kommune für das Deckblatt des Berichts" in text
    assert "die Perspektive, die Sie gewählt haben" in text
    assert "Ihre Antworten in diesem Workshop" in text
    assert "Was die Moderation eines Workshops sieht" in text
    assert "Niemals Ihre einzelnen Antworten" in text and "erst ab 3 Personen" in text
    assert "Ergebnisanzeige, CSV-Datei und PDF-Bericht zeigen immer dieselbe gespeicherte Freigabe" in text
    assert "zählen im gemeinsamen Ergebnis nicht mit" in text  # the coordinators' own answers
    assert "Jede weitere Freigabe wird ohne sie berechnet" in text
    assert "wird dieser Workshop mit allen darin gegebenen Antworten gelöscht" in text
    assert "legt sie nicht ab" in text  # charts, PDFs and CSV files are made in memory


async def test_charts_reports_and_exports_are_never_written_to_disk(bot: BotHarness) -> None:
    """Every file the Python side opens for writing while a person gets a chart and a PDF
    report and a coordinator gets the workshop's CSV, PDF and QR code: none (SQLite writes
    the database from C, outside this hook)."""
    check_available()  # loads WeasyPrint's libraries, as the bot does at start-up
    written: list[str] = []
    watching = True

    def hook(event: str, args: tuple[object, ...]) -> None:
        if watching and event == "open" and _writes(args):
            written.append(str(args[0]))

    sys.addaudithook(hook)  # cannot be removed again: it only records while ``watching``
    try:
        chris, _ = await run_workshop(bot)
        anna = bot.person(7, "Anna")
        await anna.send("/start")
        await anna.tap("beginnen")
        for _ in range(7):
            await anna.tap("B · ")
        await anna.send("/bericht")
        await anna.send("Musterstadt")
        await chris.tap("🗂 CSV-Export", menu(chris))
        await chris.tap("📄 Bericht als PDF", menu(chris))
    finally:
        watching = False
    kinds = [m.kind for m in anna.chat] + [m.kind for m in chris.chat]
    assert kinds.count("photo") >= 2 and kinds.count("document") >= 3  # it all was sent
    assert written == [], sorted(set(written))


def _writes(args: tuple[object, ...]) -> bool:
    """Whether an ``open`` audit event (path, mode, flags) opens for writing."""
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & 0o3)  # O_WRONLY or O_RDWR
