"""Stories shared by the test modules: setting up a workshop, finishing a run, reading what was sent."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from bot.bench.fake_bot_api import StoredMessage
from bot.store.storage import Storage
from tests.clock import SettableClock
from tests.conftest import BotHarness, Person

# --- What is stored ---

async def stored_answers(database: Path) -> dict[str, str]:
    storage = await Storage.open(database, SettableClock())  # stamps nothing
    try:
        run = await storage.runs.active_run(4711) or (await storage.runs.finished_runs(4711))[0]
        return await storage.runs.answers(run.id)
    finally:
        await storage.close()


# --- What is stored and what the taps showed ---

async def stored(database: Path) -> tuple[dict[str, str], list[str]]:
    """Anna's answers in her runs, and the status of each run."""
    storage = await Storage.open(database, SettableClock())  # stamps nothing
    try:
        async with storage.database.connection.execute("SELECT id, status FROM runs WHERE user_id = 4711") as cur:
            runs = [tuple(row) for row in await cur.fetchall()]
        answers: dict[str, str] = {}
        for run_id, _ in runs:
            answers.update(await storage.runs.answers(run_id))
        return answers, [status for _, status in runs]
    finally:
        await storage.close()


def notices(anna: Person) -> list[str]:
    """The texts shown on taps (a tap answered without a text is left out)."""
    return [n for n in anna.notices() if n]


# --- Time passing ---

def make_inactive(bot: BotHarness, user_id: int, days: int) -> None:
    """The person was last active ``days`` before the bot's present."""
    moment = (bot.clock.now() - timedelta(days=days)).isoformat(timespec="seconds")
    connection = sqlite3.connect(bot.database)
    try:
        connection.execute("UPDATE users SET last_active_at = ? WHERE user_id = ?",
                           (moment, user_id))
        connection.commit()
    finally:
        connection.close()


# --- A finished run and its report ---

# Answers for the small questionnaire (3 + 2 + 2 statements) and what they score.
RUN_ONE = ("B", "B", "C", "C", "C", "E", "E")  # 56 % · 33 % · too few
RUN_TWO = ("A", "B", "C", "D", "C", "A", "A")  # 67 % · 17 % · 100 %


async def answer(person: Person, choices: tuple[str, ...]) -> None:
    for choice in choices:
        await person.tap(f"{choice} · ")


async def finish_a_run(person: Person, choices: tuple[str, ...]) -> None:
    await person.send("/start")
    await person.tap("beginnen")
    await answer(person, choices)


def pdf_pages(document: StoredMessage) -> list[str]:
    """Each page's text with its whitespace run together, as a reader would see it."""
    assert document.kind == "document" and document.file is not None
    assert document.file.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(document.file))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(document: StoredMessage) -> str:
    return " ".join(pdf_pages(document))


def assert_tagged(pdf: bytes, title: str, language: str = "de") -> None:
    """The PDF is tagged (PDF/UA-1): a structure tree, its language, marked content, its title."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/StructTreeRoot"]["/K"]  # a reading order, not an empty tree
    assert root["/Lang"] == language
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean object
    assert reader.metadata is not None and reader.metadata.title is not None
    assert reader.metadata.title.startswith(title)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is not None:  # poppler's own reading, where it is installed
        info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=True)
        assert "Tagged:          yes" in info.stdout.decode()


def labels(message: StoredMessage) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for b in row]


# --- A workshop, set up and answered ---

LINK = re.compile(r"https://t\.me/selbstcheck_test_bot\?start=(?P<payload>[wk]_[A-Za-z0-9_-]{22})")
REFUSAL = "Diese Schaltfläche ist nicht (mehr) gültig"


async def release(coordinator: Person) -> None:
    """Release the result as it stands, as an interim result (the workshop stays open)."""
    await coordinator.tap("📈 Stand")
    await coordinator.tap("🔓 Zwischenstand freigeben")
    await reopen_menu(coordinator)


async def close(coordinator: Person) -> None:
    """Close the workshop: the final release, the first with statements; then its menu."""
    await reopen_menu(coordinator)
    await coordinator.tap("Workshop schließen")
    await coordinator.tap("Ja, Workshop schließen")
    await reopen_menu(coordinator)


async def reopen_menu(coordinator: Person, name: str = "Musterstadt") -> None:
    """/workshop and the workshop's entry: its menu as the chat's newest message."""
    await coordinator.send("/workshop")
    await coordinator.tap(f"{name} · ")


def status_text(person: Person) -> str:
    """The newest state view in the person's chat (it replaces the menu in place)."""
    return next(m.text for m in reversed(person.chat) if (m.text or "").startswith("📈 Stand"))


def latest_link(person: Person, kind: str = "w") -> str:
    for message in reversed(person.chat):
        match = LINK.search(message.text or "")
        if match and match.group("payload").startswith(kind):
            return match.group("payload")
    raise AssertionError("no link in the chat")


def workshop_id(person: Person) -> int:
    data, _ = person.button("📈 Stand")
    return int(data.rsplit(":", 1)[1])


async def set_up(coordinator: Person, name: str = "Musterstadt", *,
                 without: tuple[str, ...] = ()) -> str:
    """/workshop <name>, every field but ``without``, each perspective on its own, create;
    the invitation payload."""
    await coordinator.send(f"/workshop {name}")
    await coordinator.tap("Alle Handlungsfelder")
    for label in without:
        await coordinator.tap(label)
    await coordinator.tap("Weiter: Gruppen")
    await coordinator.tap("Workshop anlegen")
    return latest_link(coordinator)


async def take_part(person: Person, payload: str, perspective: str, answers: str) -> None:
    """Open the invitation, choose a perspective, answer with the given letters."""
    await person.send(f"/start {payload}")
    await person.tap(perspective)
    for choice in answers:
        await person.tap(f"{choice} · ")


def menu(person: Person) -> StoredMessage:
    """The newest workshop menu in the person's chat (menus are edited in place)."""
    return next(m for m in reversed(person.chat) if (m.text or "").startswith("Workshop „"))


def result_text(person: Person) -> str:
    start = max(i for i, m in enumerate(person.chat)
                if (m.text or "").startswith("📊 Workshop „"))
    return "\n".join(m.text or "" for m in person.chat[start:])


async def query(database: Path, sql: str, *parameters: object) -> list[tuple[object, ...]]:
    storage = await Storage.open(database, SettableClock())  # stamps nothing
    try:
        async with storage.database.connection.execute(sql, parameters) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]
    finally:
        await storage.close()


async def run_workshop(bot: BotHarness) -> tuple[Person, list[Person]]:
    """Nine participants: 3 administration (A), 3 politics (D, E), 2 education (B, E), 1 other."""
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    plan = ([("Verwaltung: Integration", "AAAAAAA")] * 3 + [("Politik", "DDDDDDE")] * 3
            + [("Bildung", "BBBBBBE")] * 2 + [("Andere", "CCCCCCE")])
    people = []
    for i, (perspective, answers) in enumerate(plan):
        person = bot.person(100 + i, f"P{i}")
        await take_part(person, payload, perspective, answers)
        people.append(person)
    await release(chris)
    return chris, people

