"""The bot as a real process: killed, stopped, restarted, reached by webhook.

Every test here starts ``python -m bot`` against a fake Bot API server on
127.0.0.1 (tests/fake_bot_server.py) and checks what the fake saw and what
the database holds. Every wait is bounded in time, every loop in rounds.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.bench.targets import free_port
from tests import updates
from tests.bot_process import TOKEN, BotProcess, run_cli, running
from tests.conftest import write_questionnaire
from tests.fake_bot_server import FakeBotServer

FIELDS = 3
STATEMENTS_PER_FIELD = 15
TOTAL = FIELDS * STATEMENTS_PER_FIELD
PEOPLE = 5
NAMES = ("Adelheid-Privat", "Bertram-Privat", "Cosima-Privat", "Dragan-Privat", "Elif-Privat")
FREE_TEXT = "Vertraulich: unser Haushaltsentwurf"
SAVED = ("Gespeichert:", "Bereits gespeichert:")


def burst_questionnaire(directory: Path) -> Path:
    files = {}
    for number in range(1, FIELDS + 1):
        statements = "".join(f"""
            [[statements]]
            id = "f{number}-{i:02d}"
            text = "Praxis {i} im Handlungsfeld {number} ist in der Verwaltung verankert."
            suggestion = "Verankern Sie Praxis {i} im Handlungsfeld {number}."
            """ for i in range(1, STATEMENTS_PER_FIELD + 1))
        files[f"{number:02d}_feld{number}.toml"] = f"""
            id = "feld{number}"
            number = {number}
            title = "Handlungsfeld Nummer {number}"
            short_title = "Feld {number}"
            intro = "Worum es in Handlungsfeld {number} geht."
            [assessments]
            established = "Eine gefestigte Stärke."
            advanced = "Auf gutem Weg."
            developing = "Erste Bausteine sind gelegt."
            starting = "Am Anfang."
            insufficient = "Fragen Sie die Fachämter."
            """ + statements
    return write_questionnaire(directory, files)


def choice_for(statement_id: str) -> str:
    """Each statement's answer, fixed, so every tap of it means the same."""
    return "ABCDE"[zlib.crc32(statement_id.encode()) % 5]


@dataclass
class Respondent:
    """A person answering as fast as the bot confirms, reacting like a person would."""

    server: FakeBotServer
    user_id: int
    name: str
    pending_query: str | None = None
    pending_since: float = 0.0
    waiting_for_messages: int | None = None
    last_statement: str | None = None
    taps: dict[str, tuple[str, str]] = field(default_factory=dict)  # query id -> (sid, choice)

    @property
    def user(self) -> dict[str, Any]:
        return updates.user(self.user_id, self.name)

    def send(self, text: str) -> None:
        chat = updates.private_chat(self.user)
        self.server.push(updates.message_update(updates.message(self.user, chat, text)))

    def newest_statement(self) -> tuple[str, Any] | None:
        """(callback data prefix "a:RUN:SID", message) of the newest message with answer buttons."""
        for message in reversed(self.server.api.chat(self.user_id)):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                data = row[0].get("callback_data") or ""
                if data.startswith("a:"):
                    return data.rsplit(":", 1)[0], message
        return None

    def begin(self) -> None:
        self.send("/start")
        self.server.wait_for(lambda: self._button("begin") is not None, 20, f"{self.name}'s welcome")
        message = self._button("begin")
        self._tap("begin", message)
        self.server.wait_for(lambda: self.newest_statement() is not None, 20,
                             f"{self.name}'s first statement")

    def step(self, answers: dict[str, str]) -> bool:
        """One move, called under the server lock; ``False`` once the run is complete."""
        now = time.monotonic()
        if self.pending_query is not None:
            notice = answers.get(self.pending_query)
            if notice is None and now - self.pending_since < 5:
                return True  # wait for the bot to confirm
            self.pending_query = None
            if notice is None or notice.startswith("Bereits"):
                # No confirmation (lost in a crash) or nothing changed: do what the
                # notice says and what people do, ask for /weiter.
                self._continue(now)
            return True
        chat = self.server.api.chat(self.user_id)
        if self.waiting_for_messages is not None:
            arrived = len(chat) > self.waiting_for_messages and chat[-1].reply_markup
            if not arrived and now - self.pending_since < 5:
                return True  # /weiter's answer ends with a message with buttons
            self.waiting_for_messages = None
        if any("Geschafft" in (m.text or "") for m in chat):
            return False
        newest = self.newest_statement()
        if newest is None:  # the next statement never arrived (the bot was killed)
            self._continue(now)
            return True
        prefix, message = newest
        statement_id = prefix.split(":")[2]
        if statement_id == self.last_statement and now - self.pending_since < 5:
            return True  # confirmed; the edit showing the next statement is on its way
        self.last_statement = statement_id
        self.pending_query = self._tap(f"{prefix}:{choice_for(statement_id)}", message)
        self.taps[self.pending_query] = (statement_id, choice_for(statement_id))
        self.pending_since = now
        return True

    def _continue(self, now: float) -> None:
        self.waiting_for_messages = len(self.server.api.chat(self.user_id))
        self.send("/weiter")
        self.pending_since = now

    def _tap(self, data: str, message: Any) -> str:
        update = updates.callback_update(self.user, data,
                                         updates.shown(message, updates.private_chat(self.user)))
        self.server.push(update)
        return update["callback_query"]["id"]

    def _button(self, data: str) -> Any:
        for message in reversed(self.server.api.chat(self.user_id)):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                if row[0].get("callback_data") == data:
                    return message
        return None


class Burst:
    """Several people answering at once; the test decides when to interrupt."""

    def __init__(self, server: FakeBotServer) -> None:
        self.server = server
        self.people = [Respondent(server, 7_000 + i, NAMES[i]) for i in range(PEOPLE)]

    def notices(self) -> dict[str, str]:
        """Callback query id -> the notice it was answered with (first successful answer)."""
        answered: dict[str, str] = {}
        for call in self.server.api.calls_to("answerCallbackQuery"):
            if "callback_query_id" in call.params:  # absent if the bot died mid-request
                answered.setdefault(str(call.params["callback_query_id"]),
                                    call.params.get("text") or "")
        return answered

    def confirmed(self) -> dict[tuple[int, str], str]:
        """(person, statement) -> choice for every answer the bot confirmed as saved."""
        with self.server.lock:
            notices = self.notices()
        return {(person.user_id, sid): choice
                for person in self.people
                for query, (sid, choice) in person.taps.items()
                if notices.get(query, "").startswith(SAVED)}

    def taps_in_flight(self, timeout: float = 20) -> list[str]:
        """Have everybody tap their next answer, and wait until the bot has received the
        taps (acknowledged them to Telegram) but not yet answered them all."""
        before = {p.user_id: p.pending_query for p in self.people}
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.01)):
            with self.server.lock:
                notices = self.notices()
                waiting = [p for p in self.people if p.pending_query in (None, before[p.user_id])]
                for person in waiting:
                    person.step(notices)
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        in_flight = [p.pending_query for p in self.people
                     if p.pending_query not in (None, before[p.user_id])]
        assert in_flight, "nobody could tap"
        update_ids = [self.server.update_id_of_query(q) for q in in_flight]
        self.server.wait_for(lambda: self.server.acknowledged > max(update_ids), timeout,
                             "the bot to receive the taps")
        with self.server.lock:
            answered = set(self.notices())
        assert not set(in_flight) <= answered, "all taps were answered already: none in flight"
        return in_flight

    def run(self, until_confirmed: int | None = None, timeout: float = 60) -> None:
        """Drive everyone until ``until_confirmed`` answers are confirmed, or all are done."""
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.01)):
            assert time.monotonic() < deadline, "the burst did not finish in time"
            with self.server.lock:
                notices = self.notices()
                busy = [p.step(notices) for p in self.people]
            if not any(busy):
                return
            if until_confirmed is not None and len(self.confirmed()) >= until_confirmed:
                return
            time.sleep(0.01)
        raise AssertionError("the burst did not finish within its rounds")


def stored_answers(database: Path) -> dict[tuple[int, str], str]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT r.user_id, a.statement_id, a.choice FROM answers a"
            " JOIN runs r ON r.id = a.run_id").fetchall()
    finally:
        connection.close()
    return {(user, sid): choice for user, sid, choice in rows}


def runs_by_person(database: Path) -> dict[int, list[str]]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT user_id, status FROM runs ORDER BY id").fetchall()
    finally:
        connection.close()
    result: dict[int, list[str]] = {}
    for user, status in rows:
        result.setdefault(user, []).append(status)
    return result


@pytest.fixture
def server() -> Iterator[FakeBotServer]:
    with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    return burst_questionnaire(tmp_path / "questions")


def bot_process(server: FakeBotServer, tmp_path: Path, questions: Path, **env: str) -> BotProcess:
    return BotProcess(server, tmp_path / "bot.db", questions, tmp_path / "bot.log", **env)


def assert_clean_log(output: str) -> None:
    """No traceback, no token, no names, no message texts."""
    assert "Traceback" not in output, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    for private in (*NAMES, FREE_TEXT):
        assert private not in output, f"{private!r} appears in the log"


def test_sigkill_mid_burst_loses_no_confirmed_answer_and_a_restart_carries_on(
        server: FakeBotServer, tmp_path: Path, questions: Path) -> None:
    first = bot_process(server, tmp_path, questions).start()
    second = bot_process(server, tmp_path, questions)
    try:
        first.wait_until_polling()
        burst = Burst(server)
        for person in burst.people:
            person.begin()
        burst.people[0].send(FREE_TEXT)
        burst.run(until_confirmed=60)
        server.latency = 0.5  # a slow network, so the kill hits taps mid-way
        burst.taps_in_flight()
        drawing = first.children()
        assert drawing, "the bot starts its drawing process at start-up"
        first.kill()
        server.latency = 0.0
        confirmed_before_kill = burst.confirmed()
        assert len(confirmed_before_kill) >= 60
        # Read straight after the kill, before anything could repair the file.
        stored = stored_answers(tmp_path / "bot.db")
        missing = {k: v for k, v in confirmed_before_kill.items() if stored.get(k) != v}
        assert not missing, f"confirmed but not stored: {missing}"
        # A killed bot cannot stop its drawing process: that ends on its own.
        assert all_ended(drawing), "the drawing process outlived the bot"

        # Telegram delivers again what it has no acknowledgement for; make sure
        # that includes taps the killed bot already handled.
        with server.lock:
            server.acknowledged = max(1, server.acknowledged - 3 * PEOPLE)
        second.start()
        second.wait_until_polling()
        burst.run()  # everybody to the end of the questionnaire
        assert second.terminate() == 0
    finally:
        first.stop_if_running()
        second.stop_if_running()

    stored = stored_answers(tmp_path / "bot.db")
    assert all(stored.get(k) == v for k, v in burst.confirmed().items())
    expected = {(p.user_id, f"f{f}-{i:02d}"): choice_for(f"f{f}-{i:02d}") for p in burst.people
                for f in range(1, FIELDS + 1) for i in range(1, STATEMENTS_PER_FIELD + 1)}
    assert stored == expected  # complete, and not one answer twice or wrong
    assert runs_by_person(tmp_path / "bot.db") == {p.user_id: ["finished"] for p in burst.people}
    assert_clean_log(first.output() + second.output())


def test_sigterm_mid_burst_finishes_everything_received_and_exits_zero(
        server: FakeBotServer, tmp_path: Path, questions: Path) -> None:
    bot = bot_process(server, tmp_path, questions).start()
    try:
        bot.wait_until_polling()
        assert wait_until_healthy(tmp_path / "bot.db"), bot.output()
        burst = Burst(server)
        for person in burst.people:
            person.begin()
        burst.run(until_confirmed=40)
        server.latency = 0.5  # a slow network, so the stop meets taps mid-way
        in_flight = burst.taps_in_flight()
        drawing = bot.children()
        code = bot.terminate()
        output = bot.output()
    finally:
        bot.stop_if_running()
    assert code == 0, output
    assert drawing and all_ended(drawing), "the drawing process outlived the bot"
    with server.lock:
        notices = burst.notices()
    assert all(notices.get(q, "").startswith("Gespeichert") for q in in_flight), (
        [notices.get(q) for q in in_flight], output)

    with server.lock:
        notices = burst.notices()
        received = server.acknowledged
        taps = [u for u in server.pushed() if "callback_query" in u and u["update_id"] < received]
    # Every tap the bot acknowledged to Telegram was handled before it exited ...
    unanswered = [u["update_id"] for u in taps if u["callback_query"]["id"] not in notices]
    assert not unanswered, f"received but never answered: {unanswered}\n{output}"
    # ... and every confirmed answer is in the database.
    stored = stored_answers(tmp_path / "bot.db")
    assert all(stored.get(k) == v for k, v in burst.confirmed().items())
    assert len(burst.confirmed()) >= 40
    assert_clean_log(output)


def all_ended(pids: set[int], timeout: float = 15) -> bool:
    """The processes have ended (the last of them needs a moment to notice the bot is gone)."""
    deadline = time.monotonic() + timeout
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_until_healthy(database: Path, timeout: float = 20) -> bool:
    """``selbstcheck-bot health`` turns 0 once the running bot has written its first beat."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run_cli("health", SELBSTCHECK_DB=str(database)).returncode == 0:
            return True
        time.sleep(0.2)
    return False


def _post(port: int, path: str, body: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, json.dumps(body), headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _post_when_listening(port: int, path: str, body: dict[str, Any], secret: str | None,
                         timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _post(port, path, body, secret)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_webhook_mode_accepts_the_secret_and_rejects_everything_else(
        server: FakeBotServer, tmp_path: Path, questions: Path) -> None:
    port = free_port()
    secret = "Geheimnis_fuer_den_Webhook-2024"
    bot = bot_process(server, tmp_path, questions,
                      SELBSTCHECK_WEBHOOK_URL="https://selbstcheck.example.org/telegram/hook",
                      SELBSTCHECK_WEBHOOK_SECRET=secret, SELBSTCHECK_WEBHOOK_LISTEN="127.0.0.1",
                      SELBSTCHECK_WEBHOOK_PORT=str(port)).start()
    person = updates.user(7_100, NAMES[0])
    chat = updates.private_chat(person)

    def start_update() -> dict[str, Any]:
        return updates.message_update(updates.message(person, chat, "/start"))

    try:
        server.wait_for(lambda: bool(server.api.calls_to("setWebhook")), 30, "setWebhook")
        registered = server.api.calls_to("setWebhook")[-1].params
        assert registered["url"] == "https://selbstcheck.example.org/telegram/hook"
        assert registered["secret_token"] == secret

        assert _post_when_listening(port, "/telegram/hook", start_update(), "falsch") == 403
        assert _post(port, "/telegram/hook", start_update(), None) == 403
        time.sleep(0.5)
        assert server.api.chat(person["id"]) == [], "a request without the secret got through"

        # An update the library cannot read (a poll without its required fields) is
        # acknowledged, so Telegram does not deliver it again and again, and skipped.
        unreadable = {"update_id": 1, "message": {**updates.message(person, chat, "x"),
                                                  "poll": {"id": "p", "question": "?"}}}
        assert _post(port, "/telegram/hook", unreadable, secret) == 200
        assert _post(port, "/telegram/hook", start_update(), secret) == 200
        server.wait_for(lambda: bool(server.api.chat(person["id"])), 20, "the welcome")
        assert "Willkommen" in (server.api.chat(person["id"])[0].text or "")
        assert server.get_updates_calls == 0, "webhook mode must not poll"
        assert bot.terminate() == 0
    finally:
        bot.stop_if_running()
    output = bot.output()
    assert secret not in output and TOKEN not in output
    assert "Traceback" not in output
    assert output.count("an update the library cannot read was skipped (update_id=1") == 1


def test_a_token_telegram_rejects_ends_with_one_clear_line(tmp_path: Path, questions: Path) -> None:
    with FakeBotServer(reject_token=True) as rejecting:
        bot = bot_process(rejecting, tmp_path, questions).start()
        try:
            assert bot.process is not None
            code = bot.process.wait(timeout=60)
        finally:
            bot.stop_if_running()
    lines = [line for line in bot.output().splitlines() if " INFO " not in line]
    assert code == 2
    assert lines == ["selbstcheck-bot: Telegram lehnt TELEGRAM_BOT_TOKEN ab: bitte das Token bei "
                     "@BotFather prüfen."], bot.output()
    assert TOKEN not in bot.output()


def test_a_second_bot_on_the_same_database_is_refused_with_one_line(
        server: FakeBotServer, tmp_path: Path, questions: Path) -> None:
    first = bot_process(server, tmp_path, questions).start()
    try:
        first.wait_until_polling()
        second = run_cli(**{k: v for k, v in first.env.items()
                            if k.startswith(("TELEGRAM_", "SELBSTCHECK_"))})
        assert second.returncode == 2
        assert second.stderr.strip().splitlines() == [
            f"selbstcheck-bot: Ein anderer Bot läuft bereits mit der Datenbank {tmp_path / 'bot.db'}"
        ], second.stderr
        assert "Traceback" not in second.stderr
        # The operators' commands run beside the bot.
        database = {"SELBSTCHECK_DB": str(tmp_path / "bot.db")}
        assert run_cli("health", **database).returncode == 0
        assert run_cli("backup", str(tmp_path / "copy.db"), **database).returncode == 0
        assert first.process is not None and first.process.poll() is None
    finally:
        exit_code = first.terminate()
    assert exit_code == 0
    restarted = bot_process(server, tmp_path, questions).start()  # the lock went with the process
    try:
        restarted.wait_until_polling()
    finally:
        assert restarted.terminate() == 0
