"""DSGVO: what is stored and for how long, deleting on request, retention, clean logs."""

from __future__ import annotations

import io
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import Erase
from bot.flows.buttons import encode
from bot.logs import REDACTED, configure_logging
from bot.output.render import Renderer
from tests import updates
from tests.conftest import BotHarness, Person
from tests.stories import make_inactive

TOKEN = "123456:TEST-TOKEN"  # what tests/conftest.py's BotHarness uses


def harness(tmp_path: Path, questionnaire: Questionnaire, renderer: Renderer,
            **settings: object) -> BotHarness:
    return BotHarness(tmp_path / "p.db", questionnaire, renderer, **settings)


def table_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(database)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: connection.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    finally:
        connection.close()


def rows_of(database: Path, user_id: int) -> dict[str, int]:
    connection = sqlite3.connect(database)
    try:
        return {
            "users": connection.execute("SELECT COUNT(*) FROM users WHERE user_id = ?",
                                        (user_id,)).fetchone()[0],
            "runs": connection.execute("SELECT COUNT(*) FROM runs WHERE user_id = ?",
                                       (user_id,)).fetchone()[0],
            "answers": connection.execute(
                "SELECT COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id"
                " WHERE runs.user_id = ?", (user_id,)).fetchone()[0],
        }
    finally:
        connection.close()


async def answering(bot: BotHarness, user_id: int, name: str, answers: int = 2) -> Person:
    person = bot.person(user_id, name)
    await person.send("/start")
    await person.tap("beginnen")
    for _ in range(answers):
        await person.tap("B · Trifft eher zu")
    return person


async def test_datenschutz_says_what_is_stored_why_and_for_how_long(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=180) as bot:
        anna = bot.person()
        await anna.send("/datenschutz")  # in more than one message: it is long
        text = "\n".join(message.text for message in anna.chat if message.text)
        assert "Telegram-Nutzerkennung" in text and "Namen" in text  # what (and what not)
        assert "Ihre Antworten" in text
        assert "Wozu" in text and "weitermachen" in text  # why
        assert "höchstens aber bis 180 Tage nach Ihrer letzten Nutzung" in text  # how long
        assert "/loeschen" in text


async def test_without_a_retention_period_datenschutz_says_so_and_nothing_expires(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=0) as bot:
        await answering(bot, 4711, "Anna")
        anna = bot.person()
        await anna.send("/datenschutz")
        assert "Eine automatische Löschfrist ist für diesen Bot nicht eingestellt" in "\n".join(
            message.text for message in anna.chat if message.text)
        assert not bot.app.job_queue.get_jobs_by_name("retention")
        make_inactive(bot, 4711, days=5000)
        assert rows_of(bot.database, 4711) == {"users": 1, "runs": 1, "answers": 2}


async def test_loeschen_asks_first_and_then_deletes_everything_of_that_person(
        bot: BotHarness) -> None:
    anna = await answering(bot, 4711, "Anna", answers=3)
    ben = await answering(bot, 4712, "Ben", answers=1)
    old_statement_data, old_statement = anna.button("A · Trifft zu")

    await anna.send("/loeschen")
    assert "Alle Ihre Daten löschen?" in anna.last.text
    await anna.tap("Nein, Daten behalten")
    assert "Ihre Daten bleiben gespeichert" in anna.last.text
    assert rows_of(bot.database, 4711) == {"users": 1, "runs": 1, "answers": 3}

    await anna.send("/loeschen")
    data, confirmation = anna.button("Ja, alle meine Daten löschen")
    await anna.tap_data(data, confirmation)
    assert "Ihre Daten sind gelöscht" in anna.last.text
    assert rows_of(bot.database, 4711) == {"users": 0, "runs": 0, "answers": 0}
    assert rows_of(bot.database, 4712) == {"users": 1, "runs": 1, "answers": 1}

    await anna.tap_data(data, confirmation)  # a second tap changes nothing
    assert "Ihre Daten sind gelöscht" in anna.last.text
    await anna.tap_data(old_statement_data, old_statement)  # buttons of the deleted run
    assert anna.notices()[-1].startswith("Diese Schaltfläche ist nicht (mehr) gültig")
    assert rows_of(bot.database, 4711) == {"users": 0, "runs": 0, "answers": 0}

    await anna.send("/start")
    assert "Willkommen zum Selbstcheck" in anna.last.text  # a fresh start
    await ben.send("/weiter")
    assert "1 von 7 Aussagen beantwortet" in ben.chat[-2].text


async def test_loeschen_with_nothing_stored_says_so(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/loeschen")
    assert "Zu Ihnen ist nichts gespeichert" in anna.last.text
    assert anna.last.reply_markup is None


@pytest.mark.parametrize("age", [16 * 60, 24 * 3600, -3600], ids=["expired", "old", "future"])
async def test_an_old_or_forged_confirmation_deletes_nothing(bot: BotHarness, age: int) -> None:
    anna = await answering(bot, 4711, "Anna")
    await anna.send("/loeschen")
    confirmation = anna.last
    await anna.tap_data(encode(Erase(int(bot.clock.now().timestamp()) - age)), confirmation)
    assert anna.notices()[-1].startswith("Diese Rückfrage ist abgelaufen, es wurde nichts gelöscht")
    assert rows_of(bot.database, 4711) == {"users": 1, "runs": 1, "answers": 2}


async def test_a_confirmation_tapped_after_a_quarter_of_an_hour_deletes_nothing(
        bot: BotHarness) -> None:
    anna = await answering(bot, 4711, "Anna")
    await anna.send("/loeschen")
    data, confirmation = anna.button("Ja, alle meine Daten löschen")
    bot.clock.advance(timedelta(minutes=15, seconds=1))
    await anna.tap_data(data, confirmation)
    assert anna.notices()[-1].startswith("Diese Rückfrage ist abgelaufen, es wurde nichts gelöscht")
    assert rows_of(bot.database, 4711) == {"users": 1, "runs": 1, "answers": 2}


async def test_the_retention_job_deletes_people_inactive_for_longer_than_the_period(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=30) as bot:
        await answering(bot, 4711, "Anna")
        await answering(bot, 4712, "Ben")
        await answering(bot, 4713, "Carla")
    # Time passes (the bot notes a person's activity once a day, so the days
    # are simulated in the database and by a restart).
    make_inactive(bot, 4711, days=31)
    make_inactive(bot, 4712, days=29)
    make_inactive(bot, 4713, days=400)
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=30) as bot:
        await bot.person(4713, "Carla").send("/hilfe")  # Carla is back today: her data stays

        (job,) = bot.app.job_queue.get_jobs_by_name("retention")
        await job.run(bot.app)
        assert rows_of(bot.database, 4711) == {"users": 0, "runs": 0, "answers": 0}
        assert rows_of(bot.database, 4712) == {"users": 1, "runs": 1, "answers": 2}
        assert rows_of(bot.database, 4713) == {"users": 1, "runs": 1, "answers": 2}


async def test_the_database_holds_no_names_texts_or_usernames(bot: BotHarness) -> None:
    anna = bot.person(4711, "Annegret-Vertraulich")
    anna.user["username"] = "annegret_privat"
    anna.user["last_name"] = "Mustermann-Geheim"
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("C · Trifft eher nicht zu")
    await anna.send("Unser Bürgermeister heißt Herr Beispielhaft")
    await anna.send(**updates.PHOTO)
    everything = repr(table_rows(bot.database))
    for private in ("Annegret", "annegret_privat", "Mustermann", "Beispielhaft", "Rathaus",
                    "photo-1"):
        assert private not in everything


async def test_logs_hold_no_names_texts_answers_or_token(bot: BotHarness,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)
    anna = bot.person(4711, "Annegret-Vertraulich")
    await anna.send("/start")
    await anna.tap("beginnen")
    bot.api.fail_next("editMessageText", 500, "Internal Server Error")
    await anna.tap("C · Trifft eher nicht zu")  # fails after saving: logged as an error
    await anna.send("Vertrauliche Notiz zur Ratssitzung")
    bot.api.blocked.add(anna.id)
    await anna.send("/weiter")  # Forbidden: logged
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "error while handling an update" in logged and "button action=a" in logged
    for private in ("Annegret", "Vertrauliche Notiz", "Trifft eher nicht", ":eins-01:C", TOKEN,
                    "TEST-TOKEN"):
        assert private not in logged


def test_the_token_is_redacted_from_every_log_line_and_traceback() -> None:
    token = "7012345678:AAHk-9zYt_secretSecretSecret0123456"
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        formatter = configure_logging()  # what the CLI installs
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        formatter.add_secrets([token, "webhook-geheimnis-42"])
        log = logging.getLogger("bot.test")
        log.warning("POST https://api.telegram.org/bot%s/sendMessage failed", token)
        log.error("key only: %s", token.split(":")[1])
        url = f"https://api.telegram.org/bot{token}/getMe"
        try:
            raise RuntimeError(f"httpx.ConnectError for {url}")
        except RuntimeError:
            log.exception("network trouble")
        logging.getLogger("telegram.ext").info("secret header webhook-geheimnis-42 seen")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    output = stream.getvalue()
    assert token not in output and token.split(":")[1] not in output
    assert "webhook-geheimnis-42" not in output
    assert output.count(REDACTED) == 4  # URL, key alone, exception in the traceback, header
    assert "Traceback" in output and "network trouble" in output


DELETED_ID = 7_301_234_567_891  # distinctive in every encoding SQLite may store it in
REPORT_NAME = "Quetschenbach-Zwölfhausen"
WORKSHOP_NAME = "Kleinwaldfeldhausen am See"


def _varint(value: int) -> bytes:
    """SQLite's variable-length integer (how a rowid is stored in a table's b-tree)."""
    groups = []
    while True:
        groups.append(value & 0x7F)
        value >>= 7
        if not value:
            break
    groups.reverse()
    return bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])


def traces_on_disk(database: Path, user_id: int, *texts: str) -> list[str]:
    """What of the person is still in the database file, its -wal or its -shm file."""
    needles = {"id as text in {}": str(user_id).encode(),
               "id as a 6-byte integer in {}": user_id.to_bytes(6, "big"),
               "id as an 8-byte integer in {}": user_id.to_bytes(8, "big"),
               "id as a varint in {}": _varint(user_id),
               **{f"{text!r} in {{}}": text.encode() for text in texts}}
    found = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        content = path.read_bytes() if path.exists() else b""
        found += [what.format(path.name) for what, needle in needles.items() if needle in content]
    return found


async def test_a_confirmed_deletion_leaves_no_trace_in_any_file_on_disk(bot: BotHarness) -> None:
    anna = await answering(bot, DELETED_ID, "Anna", answers=7)
    await anna.send("/bericht")
    await anna.send(REPORT_NAME)
    assert anna.last.kind == "document"
    await anna.send(f"/workshop {WORKSHOP_NAME}")
    await anna.tap("Alle Handlungsfelder")
    await anna.tap("Weiter: Gruppen")
    await anna.tap("Workshop anlegen")
    await answering(bot, 4712, "Ben", answers=2)  # somebody who stays
    assert traces_on_disk(bot.database, DELETED_ID, REPORT_NAME, WORKSHOP_NAME)  # all there

    await anna.send("/loeschen")
    await anna.tap("Ja, alle meine Daten löschen")
    assert "Ihre Daten sind gelöscht" in anna.last.text
    # The bot is still running with the file open: this is what a copy of the
    # disk taken now would hold.
    assert traces_on_disk(bot.database, DELETED_ID, REPORT_NAME, WORKSHOP_NAME) == []
    assert rows_of(bot.database, 4712) == {"users": 1, "runs": 1, "answers": 2}


async def test_the_retention_job_leaves_no_trace_on_disk_either(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=30) as bot:
        anna = await answering(bot, DELETED_ID, "Anna", answers=7)
        await anna.send("/bericht")
        await anna.send(REPORT_NAME)
    make_inactive(bot, DELETED_ID, days=31)
    async with harness(tmp_path, small_questionnaire, renderer, retention_days=30) as bot:
        await answering(bot, 4712, "Ben")
        (job,) = bot.app.job_queue.get_jobs_by_name("retention")
        await job.run(bot.app)
        assert traces_on_disk(bot.database, DELETED_ID, REPORT_NAME) == []
