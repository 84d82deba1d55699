"""Operating the bot: migrations, online backup, health signal, configuration errors."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.bench.targets import clean_environment
from bot.cli import main
from bot.config import ConfigError, settings_from_env
from bot.domain.entities import Channel
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.store.errors import StorageError
from bot.store.operations import backup_database
from bot.store.schema import MIGRATIONS
from bot.store.storage import Storage
from bot.telegram.jobs import stopped_by_heartbeat
from tests.bot_process import REPO, run_cli
from tests.clock import SettableClock
from tests.conftest import SMALL_FIELDS, BotHarness, started, write_questionnaire
from tests.stories import query

# The schema of the first release (migration 1), kept here verbatim: databases
# created with it exist and must keep working with every later version.
FIRST_RELEASED_SCHEMA = """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,       -- Telegram user id
        created_at  TEXT NOT NULL
    );
    CREATE TABLE runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        workshop_id  INTEGER,                  -- NULL for a personal self-check
        field_ids    TEXT,                     -- comma-separated selection, NULL = all fields
        status       TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'finished', 'cancelled')),
        cursor       TEXT,                     -- statement shown after "Zurück", else NULL
        started_at   TEXT NOT NULL,
        finished_at  TEXT
    );
    CREATE UNIQUE INDEX runs_one_active
        ON runs(user_id, IFNULL(workshop_id, 0)) WHERE status = 'active';
    CREATE TABLE answers (
        run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        statement_id  TEXT NOT NULL,
        choice        TEXT NOT NULL CHECK (choice IN ('A', 'B', 'C', 'D', 'E')),
        answered_at   TEXT NOT NULL,
        PRIMARY KEY (run_id, statement_id)
    ) WITHOUT ROWID;
    """


def first_release_database(path: Path) -> None:
    """A database as the first release left it, with two people's data."""
    connection = sqlite3.connect(path)
    connection.executescript(FIRST_RELEASED_SCHEMA + "PRAGMA user_version = 1;")
    connection.executescript("""
        INSERT INTO users VALUES (4711, '2024-03-01T09:00:00+00:00');
        INSERT INTO users VALUES (4712, '2024-03-02T10:00:00+00:00');
        INSERT INTO runs (user_id, status, started_at, finished_at)
            VALUES (4711, 'finished', '2024-03-01T09:01:00+00:00', '2024-03-01T09:30:00+00:00');
        INSERT INTO runs (user_id, status, cursor, started_at)
            VALUES (4711, 'active', 'eins-01', '2024-04-01T08:00:00+00:00');
        INSERT INTO runs (user_id, started_at) VALUES (4712, '2024-03-02T10:01:00+00:00');
        INSERT INTO answers VALUES (1, 'eins-01', 'A', '2024-03-01T09:02:00+00:00');
        INSERT INTO answers VALUES (1, 'eins-02', 'E', '2024-03-01T09:03:00+00:00');
        INSERT INTO answers VALUES (2, 'eins-01', 'C', '2024-04-02T07:00:00+00:00');
    """)
    connection.commit()
    connection.close()


def test_the_first_released_migration_is_never_edited() -> None:
    assert textwrap.dedent(MIGRATIONS[0]).strip() == textwrap.dedent(FIRST_RELEASED_SCHEMA).strip()


async def test_a_first_release_database_upgrades_to_the_newest_schema_with_its_data(
        tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "old.db"
    first_release_database(path)
    storage = await Storage.open(path, clock)
    try:
        assert await storage.schema_version() == len(MIGRATIONS)
        finished = await storage.runs.finished_runs(4711)
        assert [r.id for r in finished] == [1]
        assert await storage.runs.answers(1) == {"eins-01": "A", "eins-02": "E"}
        active = await storage.runs.active_run(4711)
        assert active is not None and active.cursor == "eins-01"
        assert await storage.runs.answers(active.id) == {"eins-01": "C"}
        # the newest activity became the start of the retention period
        async with storage.database.connection.execute(
                "SELECT user_id, last_active_at FROM users ORDER BY user_id") as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [
                (4711, "2024-04-02T07:00:00+00:00"), (4712, "2024-03-02T10:01:00+00:00")]
        # everybody then came through Telegram, and is reached there
        assert await storage.people.channels((4711, 4712)) == {4711: Channel.TELEGRAM,
                                                               4712: Channel.TELEGRAM}
        # and the upgraded database works like a new one
        await storage.runs.save_answer(active.id, "eins-02", "B")
        assert await storage.people.delete(4712)
        await storage.health.beat()
    finally:
        await storage.close()
    reopened = await Storage.open(path, clock)  # opening again migrates nothing twice
    try:
        assert await reopened.schema_version() == len(MIGRATIONS)
        assert await reopened.runs.answers(2) == {"eins-01": "C", "eins-02": "B"}
    finally:
        await reopened.close()


async def test_the_retention_start_counts_workshop_and_report_activity_from_before_the_upgrade(
        tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "v3.db"
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:3], start=1):  # the schema before ours
        connection.executescript(f"{script}\nPRAGMA user_version = {number};")
    connection.executescript("""
        INSERT INTO users (user_id, created_at) VALUES
            (1, '2024-01-01T00:00:00+00:00'), (2, '2024-01-01T00:00:00+00:00'),
            (3, '2024-01-01T00:00:00+00:00'), (4, '2024-01-01T00:00:00+00:00');
        INSERT INTO workshops (token, municipality, created_by, created_at)
            VALUES ('t', 'Musterstadt', 1, '2024-05-01T00:00:00+00:00');
        INSERT INTO workshop_participants (workshop_id, user_id, joined_at)
            VALUES (1, 2, '2024-06-01T00:00:00+00:00');
        INSERT INTO workshop_coordinators (workshop_id, user_id, added_at)
            VALUES (1, 3, '2024-07-01T00:00:00+00:00');
        INSERT INTO municipality_names (user_id, name, decided_at)
            VALUES (4, 'Musterstadt', '2024-08-01T00:00:00+00:00');
    """)
    connection.commit()
    connection.close()
    storage = await Storage.open(path, clock)
    try:
        async with storage.database.connection.execute(
                "SELECT user_id, last_active_at FROM users ORDER BY user_id") as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [
                (1, "2024-05-01T00:00:00+00:00"), (2, "2024-06-01T00:00:00+00:00"),
                (3, "2024-07-01T00:00:00+00:00"), (4, "2024-08-01T00:00:00+00:00")]
    finally:
        await storage.close()


async def test_people_keep_their_channel_and_their_data_when_it_becomes_explicit(
        tmp_path: Path) -> None:
    """Before migration 9 a person's channel was the sign of their id (negative: browser)."""
    path = tmp_path / "v8.db"
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:8], start=1):
        connection.executescript(f"{script}\nPRAGMA user_version = {number};")
    connection.executescript("""
        INSERT INTO users (user_id, created_at, last_active_at) VALUES
            (4711, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
            (4712, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
            (-987654321, '2026-01-02T00:00:00+00:00', '2026-01-02T00:00:00+00:00');
        -- a browser person, and a Telegram coordinator with a private link into the browser
        INSERT INTO web_sessions (token_hash, user_id, created_at) VALUES
            (x'01', -987654321, '2026-01-02T00:00:00+00:00'),
            (x'02', 4712, '2026-01-03T00:00:00+00:00');
        INSERT INTO workshops (token, municipality, created_by, created_at)
            VALUES ('t', 'Musterstadt', 4712, '2026-01-03T00:00:00+00:00');
        INSERT INTO workshop_participants (workshop_id, user_id, perspective, joined_at) VALUES
            (1, 4711, 'politik', '2026-01-04T00:00:00+00:00'),
            (1, -987654321, 'politik', '2026-01-04T00:00:00+00:00');
        INSERT INTO runs (user_id, workshop_id, started_at) VALUES
            (4711, 1, '2026-01-04T00:00:00+00:00'), (-987654321, 1, '2026-01-04T00:00:00+00:00');
        INSERT INTO answers VALUES (1, 'eins-01', 'A', '2026-01-04T00:01:00+00:00');
        INSERT INTO answers VALUES (2, 'eins-01', 'B', '2026-01-04T00:01:00+00:00');
    """)
    connection.commit()
    connection.close()
    storage = await Storage.open(path, SettableClock())
    try:
        assert await storage.people.channels((4711, 4712, -987654321, 1)) == {
            4711: Channel.TELEGRAM, 4712: Channel.TELEGRAM, -987654321: Channel.BROWSER}
        assert sorted(await storage.workshops.participant_ids(1)) == [-987654321, 4711]
        assert await storage.runs.answers(1) == {"eins-01": "A"}
        assert await storage.runs.answers(2) == {"eins-01": "B"}
        assert await query(path, "SELECT COUNT(*) FROM web_sessions") == [(2,)]
        # people met from now on carry their channel from the start
        browser_person, _ = await storage.web_sessions.create_person()
        await storage.people.ensure_user(4713)
        assert await storage.people.channels((browser_person, 4713)) == {
            browser_person: Channel.BROWSER, 4713: Channel.TELEGRAM}
    finally:
        await storage.close()


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "new.db"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(StorageError, match="neuer als diese Programmversion"):
        await Storage.open(path, clock)


async def answered(bot: BotHarness, user_id: int, taps: int) -> None:
    person = bot.person(user_id, "Anna")
    await person.send("/start")
    await person.tap("beginnen")
    for _ in range(taps):
        await person.tap("C · Trifft eher nicht zu")


async def test_backup_while_the_bot_runs_is_a_complete_consistent_copy(
        bot: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await answered(bot, 4711, 3)
    monkeypatch.setenv("SELBSTCHECK_DB", str(bot.database))
    target = tmp_path / "backups" / "selbstcheck.db"
    target.parent.mkdir()
    main(["backup", str(target)])  # the bot still holds the database open
    await answered(bot, 4712, 1)  # and keeps writing afterwards
    assert "Sicherung" in capsys.readouterr().out

    assert sorted(p.name for p in target.parent.iterdir()) == ["selbstcheck.db"]  # no -wal
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        rows = copy.execute("SELECT statement_id, choice FROM answers ORDER BY 1").fetchall()
        assert rows == [("eins-01", "C"), ("eins-02", "C"), ("eins-03", "C")]
        assert copy.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    finally:
        copy.close()
    restored = await Storage.open(target, bot.clock)  # a backup is a working database
    try:
        assert (await restored.runs.active_run(4711)) is not None
    finally:
        await restored.close()


def test_backup_failures_are_one_line_and_exit_code_1(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SELBSTCHECK_DB", str(tmp_path / "missing.db"))
    with pytest.raises(SystemExit) as exit_info:
        main(["backup", str(tmp_path / "copy.db")])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"selbstcheck-bot: Datenbank {tmp_path / 'missing.db'} gibt es nicht"]
    assert not (tmp_path / "copy.db").exists()

    first_release_database(tmp_path / "live.db")
    monkeypatch.setenv("SELBSTCHECK_DB", str(tmp_path / "live.db"))
    with pytest.raises(SystemExit) as exit_info:
        main(["backup", str(tmp_path / "live.db")])
    assert exit_info.value.code == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["backup", str(tmp_path / "no" / "such" / "dir" / "copy.db")])
    assert exit_info.value.code == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


async def test_health_is_0_while_the_heartbeat_is_fresh_and_1_otherwise(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def health(*args: str) -> int:
        try:
            main(["health", *args])
        except SystemExit as exit_info:
            return int(exit_info.code or 0)
        return 0

    # The health check is an operator's process beside the bot and reads the machine's
    # clock; so the bot's clock starts at the machine's time here.
    clock = SettableClock(datetime.now(timezone.utc))
    async with BotHarness(tmp_path / "bot.db", small_questionnaire, renderer,
                          clock=clock) as bot:
        monkeypatch.setenv("SELBSTCHECK_DB", str(bot.database))
        assert health() == 0  # written at start-up
        (beat,) = bot.app.job_queue.get_jobs_by_name("heartbeat")
        clock.advance(timedelta(minutes=-10))
        await bot.app.bot_data.services.storage.health.beat()  # a beat ten minutes ago
        assert health() == 1
        assert "letztes Lebenszeichen vor 6" in capsys.readouterr().err
        clock.set(datetime.now(timezone.utc))
        await beat.run(bot.app)  # the job the running bot repeats every 30 s
        assert health() == 0
    monkeypatch.setenv("SELBSTCHECK_DB", str(tmp_path / "never-started.db"))
    assert health() == 1
    assert not (tmp_path / "never-started.db").exists()  # a health check creates nothing


def test_health_without_a_beat_yet_is_unhealthy(tmp_path: Path) -> None:
    first_release_database(tmp_path / "old.db")
    result = run_cli("health", SELBSTCHECK_DB=str(tmp_path / "old.db"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("env", "message"), [
    ({"TELEGRAM_BOT_TOKEN": "", "SELBSTCHECK_WEBHOOK_URL": "https://bot.example.org/hook",
      "SELBSTCHECK_WEBHOOK_SECRET": "abc"}, "TELEGRAM_BOT_TOKEN aber nicht"),
    ({"SELBSTCHECK_PUBLIC_URL": "ftp://selbstcheck.example.org"}, "SELBSTCHECK_PUBLIC_URL"),
    ({"SELBSTCHECK_PORT": "0"}, "SELBSTCHECK_PORT muss eine ganze Zahl"),
    ({"SELBSTCHECK_TRUSTED_PROXIES": "127.0.0.1, *"}, "SELBSTCHECK_TRUSTED_PROXIES: kommagetrennte"),
    ({"TELEGRAM_BOT_TOKEN": "kein token"}, "nicht die Form eines Bot-Tokens"),
    ({"SELBSTCHECK_RETENTION_DAYS": "ein Jahr"}, "SELBSTCHECK_RETENTION_DAYS muss eine ganze Zahl"),
    ({"SELBSTCHECK_WEBHOOK_URL": "https://bot.example.org/hook"}, "SELBSTCHECK_WEBHOOK_SECRET fehlt"),
    ({"SELBSTCHECK_WEBHOOK_URL": "http://bot.example.org/hook",
      "SELBSTCHECK_WEBHOOK_SECRET": "abc"}, "https://"),
    ({"SELBSTCHECK_WEBHOOK_URL": "https://bot.example.org/hook",
      "SELBSTCHECK_WEBHOOK_SECRET": "mit Leerzeichen"}, "SELBSTCHECK_WEBHOOK_SECRET: 1 bis 256"),
    ({"SELBSTCHECK_WEBHOOK_URL": "https://bot.example.org/hook",
      "SELBSTCHECK_WEBHOOK_SECRET": "abc", "SELBSTCHECK_WEBHOOK_PORT": "99999"},
     "SELBSTCHECK_WEBHOOK_PORT muss eine ganze Zahl"),  # the former name is still read
])
def test_bad_settings_are_refused_with_a_clear_message(env: dict[str, str], message: str) -> None:
    environ = {"TELEGRAM_BOT_TOKEN": "123:abcdef", **env}
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        settings_from_env(environ)


def test_webhook_settings_from_the_environment() -> None:
    settings = settings_from_env({
        "TELEGRAM_BOT_TOKEN": "123:abcdef", "SELBSTCHECK_WEBHOOK_URL": "https://b.example.org/tg/x",
        "SELBSTCHECK_WEBHOOK_SECRET": "s3cr3t_-", "SELBSTCHECK_WEBHOOK_LISTEN": "0.0.0.0",
        "SELBSTCHECK_WEBHOOK_PORT": "8443", "SELBSTCHECK_RETENTION_DAYS": "0"})
    assert settings.webhook is not None
    # the former names of the listen settings still work
    assert (settings.webhook.path, settings.web.listen, settings.web.port) == (
        "tg/x", "0.0.0.0", 8443)
    assert settings.web.public_url == "http://127.0.0.1:8443"
    assert settings.retention_days == 0
    assert "s3cr3t_-" not in repr(settings) and "abcdef" not in repr(settings)
    assert settings.secrets == ("123:abcdef", "s3cr3t_-")


def _one_line(result: object) -> str:
    stderr = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(stderr) == 1, stderr
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return stderr[0]


def test_a_broken_questionnaire_file_ends_the_start_with_one_line(tmp_path: Path) -> None:
    broken = dict(SMALL_FIELDS)
    broken["02_zwei.toml"] = broken["02_zwei.toml"].replace('title = "Öffnung & Vielfalt"',
                                                            'title = "Öffnung')
    questions = write_questionnaire(tmp_path / "questions", broken)
    result = run_cli(TELEGRAM_BOT_TOKEN="123:abcdef", SELBSTCHECK_DB=str(tmp_path / "x.db"),
                     SELBSTCHECK_QUESTIONS_DIR=str(questions))
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith("selbstcheck-bot: ") and "02_zwei.toml" in line and "TOML" in line


def test_a_questionnaire_with_a_missing_field_ends_the_start_with_one_line(tmp_path: Path) -> None:
    broken = dict(SMALL_FIELDS)
    broken["01_eins.toml"] = broken["01_eins.toml"].replace(
        'suggestion = "Bringen Sie einen Ratsbeschluss auf den Weg."', "")
    questions = write_questionnaire(tmp_path / "questions", broken)
    result = run_cli(TELEGRAM_BOT_TOKEN="123:abcdef", SELBSTCHECK_DB=str(tmp_path / "x.db"),
                     SELBSTCHECK_QUESTIONS_DIR=str(questions))
    assert result.returncode == 2
    assert "01_eins.toml" in _one_line(result) and "'suggestion' fehlt" in _one_line(result)


@pytest.mark.parametrize("where", ["parent is a file", "is a directory", "missing directory"])
def test_an_unusable_database_path_ends_the_start_with_one_line(tmp_path: Path,
                                                                where: str) -> None:
    questions = write_questionnaire(tmp_path / "questions")
    (tmp_path / "plain-file").write_text("not a directory")
    (tmp_path / "a-directory.db").mkdir()
    database = {"parent is a file": tmp_path / "plain-file" / "x.db",
                "is a directory": tmp_path / "a-directory.db",
                "missing directory": tmp_path / "missing" / "x.db"}[where]
    result = run_cli(TELEGRAM_BOT_TOKEN="123:abcdef", SELBSTCHECK_DB=str(database),
                     SELBSTCHECK_QUESTIONS_DIR=str(questions))
    assert result.returncode == 2
    line = _one_line(result)
    assert "Datenbank" in line and str(database) in line and "abcdef" not in line


async def _create(path: Path) -> None:
    storage = await Storage.open(path, SettableClock())
    await storage.close()


@pytest.mark.parametrize("read_only", ["file", "directory"])
def test_a_database_the_bot_cannot_write_ends_the_start_with_one_line(tmp_path: Path,
                                                                     read_only: str) -> None:
    command = [sys.executable, "-m", "bot"]
    if os.geteuid() == 0:  # root writes anything: the bot runs without that power here
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop CAP_DAC_OVERRIDE")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    questions = write_questionnaire(tmp_path / "questions")
    database = tmp_path / "data" / "bot.db"
    database.parent.mkdir()
    asyncio.run(_create(database))  # migrated: starting would need no write at all
    (database if read_only == "file" else database.parent).chmod(0o555)
    try:
        result = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=60,
            env=clean_environment(TELEGRAM_BOT_TOKEN="123:abcdef", SELBSTCHECK_DB=str(database),
                                  SELBSTCHECK_QUESTIONS_DIR=str(questions)))
    finally:
        database.parent.chmod(0o755)
    assert result.returncode == 2, result.stderr
    line = _one_line(result)
    assert "schreibgeschützt" in line and str(database) in line


def test_two_processes_opening_a_fresh_database_at_once_both_come_up(tmp_path: Path) -> None:
    def open_and_close(path: Path, ready: threading.Barrier, errors: list[BaseException]) -> None:
        async def main() -> None:
            ready.wait()
            storage = await Storage.open(path, SettableClock())
            await storage.close()
        try:
            asyncio.run(main())
        except BaseException as error:  # noqa: BLE001 – reported below
            errors.append(error)

    for attempt in range(20):
        path = tmp_path / f"fresh-{attempt}.db"
        ready, errors = threading.Barrier(2), []
        openers = [threading.Thread(target=open_and_close, args=(path, ready, errors))
                   for _ in range(2)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(timeout=60)
        assert errors == [], f"attempt {attempt}: {errors}"
        with sqlite3.connect(path) as check:
            assert check.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


async def test_the_heartbeat_stops_the_bot_when_its_database_file_is_replaced_or_deleted(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        tmp_path: Path) -> None:
    stops: list[Application] = []
    bot.app.bot_data.stop_serving = lambda: stops.append(bot.app)
    (beat,) = bot.app.job_queue.get_jobs_by_name("heartbeat")
    await beat.run(bot.app)
    assert stops == [] and stopped_by_heartbeat(bot.app) is None

    backup_database(bot.database, tmp_path / "restored.db")
    os.replace(tmp_path / "restored.db", bot.database)  # a restore while the bot runs
    with caplog.at_level(logging.ERROR):
        await beat.run(bot.app)
    assert stops == [bot.app]
    assert f"stopping: Datenbank {bot.database} wurde gelöscht oder ersetzt" in caplog.text
    assert stopped_by_heartbeat(bot.app)

    storage = bot.app.bot_data.services.storage
    bot.database.unlink()
    with pytest.raises(StorageError, match="gelöscht oder ersetzt"):
        await storage.health.beat()


async def test_an_answer_into_a_deleted_database_file_stops_the_bot_at_once_unconfirmed(
        bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    # Before: confirmed ("Gespeichert") until the next heartbeat, up to 30 s later.
    stops: list[Application] = []
    bot.app.bot_data.stop_serving = lambda: stops.append(bot.app)
    anna = await started(bot)
    await anna.tap("A · Trifft zu")
    assert "Gespeichert: A – Trifft zu" in anna.notices()
    bot.database.unlink()
    with caplog.at_level(logging.INFO):
        await anna.tap("B · Trifft eher zu")
    assert "Gespeichert: B – Trifft eher zu" not in anna.notices()
    assert stops == [bot.app] and stopped_by_heartbeat(bot.app)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"stopping: Datenbank {bot.database} wurde gelöscht oder ersetzt"]


def test_browser_settings_from_the_environment() -> None:
    settings = settings_from_env({"SELBSTCHECK_LISTEN": "0.0.0.0", "SELBSTCHECK_PORT": "9000",
                                  "SELBSTCHECK_PUBLIC_URL": "https://selbstcheck.example.org/"})
    assert settings.token is None and settings.secrets == ()
    assert (settings.web.listen, settings.web.port, settings.web.public_url, settings.web.secure) \
        == ("0.0.0.0", 9000, "https://selbstcheck.example.org", True)
    assert not settings_from_env({}).web.secure
    # forwarded headers are believed from nobody unless the operator lists their proxies
    assert settings_from_env({}).web.trusted_proxies == ()
    assert settings_from_env({"SELBSTCHECK_TRUSTED_PROXIES": " 127.0.0.1, 172.16.0.0/12 "}
                             ).web.trusted_proxies == ("127.0.0.1", "172.16.0.0/12")
