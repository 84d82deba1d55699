"""A browser-only installation speaks of pages, never of a chat: every reachable page is read.

People and a coordinator click through everything their pages offer (each button,
command and link, until nothing new is left), and no page, PDF or notice they see
names Telegram, a chat, a bot or a ``/command``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html import unescape
from pathlib import Path

from pypdf import PdfReader

from bot.config import settings_from_env
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import COOKIE, WebChannel
from bot.web.flows_port import NAVIGATION
from tests.web_client import Browser, opened_channel

# Chat words: Telegram, chat (also in compounds), bot, and a command like "/weiter" in the text.
CHAT_WORDS = re.compile(r"(?i)telegram|\bchat|\bbots?\b|(?<![\w/.:])/(?:start|weiter|ergebnis|"
                        r"bericht|workshop|hilfe|datenschutz|loeschen|abbrechen)\b")
_TAG = re.compile(r"<[^>]+>")
_ALT = re.compile(r'(?:alt|title|aria-label)="([^"]*)"')
_ACTION = re.compile(r'name="action" value="([^"]+)">([^<]+)<')
_LINK = re.compile(r'href="(/[^"]*)"')
_DIGITS = re.compile(r"\d+")
# Saved for the end: they end what is being explored.
LAST = ("Ja, endgültig löschen", "Ja, diesen Durchgang beenden", "Ja, Workshop schließen")
ERASE = "Ja, alle meine Daten löschen"


def words(html: str) -> str:
    """What a person reads (and hears) on a page: its text and its text alternatives."""
    return unescape(" ".join([_TAG.sub(" ", html), *_ALT.findall(html)]))


class Reader:
    """Reads every page a browser is shown and remembers which words were out of place."""

    def __init__(self) -> None:
        self.pages = 0
        self.found: list[str] = []

    def read(self, where: str, text: str) -> None:
        self.pages += 1
        for match in CHAT_WORDS.finditer(text):
            context = " ".join(text[max(0, match.start() - 60):match.end() + 60].split())
            self.found.append(f"{where}: „{match[0]}“ in …{context}…")


async def explore(browser: Browser, reader: Reader, steps: int, name: str) -> None:
    """Press what is new on each page (buttons, commands, links, the name field) until
    nothing new is left; answers count as one kind of button, so a run gets finished."""
    used: Counter[str] = Counter()
    response = await browser.settled()
    reader.read(f"{name} /", words(response.text))
    for _ in range(steps):
        page = browser.page
        actions = [(_DIGITS.sub("#", unescape(label)), "action", value)
                   for value, label in _ACTION.findall(page)
                   if not any(last in unescape(label) for last in (*LAST, ERASE))]
        if 'name="text"' in page:
            actions.insert(0, ("text", "text", "Musterstadt"))
        links = [("link /datei" if path.startswith("/datei/") else f"link {_DIGITS.sub('#', path)}",
                  "get", path) for path in _LINK.findall(page)
                 # the other languages' pages are read by tests/browser/test_languages.py
                 if not path.startswith(("/static/", "/weiter/", "/verwalten/", "/sprache/"))]
        commands = sorted(((f"nav {command}", "command", command) for command in NAVIGATION),
                          key=lambda candidate: used[candidate[0]])
        fresh = [c for c in actions + links if used[c[0]] == 0]
        answers = [c for c in actions if "Trifft" in c[0] or "Keine Einschätzung" in c[0]]
        # then what leads to a menu with more to see: a button again, a command of the page's top
        again = sorted((c for c in actions if used[c[0]] < 8), key=lambda c: used[c[0]])
        again += [c for c in commands if used[c[0]] < 12]
        chosen = (fresh or answers or again or [None])[0]
        if chosen is None:
            break
        key, kind, value = chosen
        used[key] += 1
        await act(browser, reader, f"{name} {key}", kind, value)


async def visit_addresses(channel: WebChannel, browser: Browser, reader: Reader, name: str) -> None:
    """Every address of the person's pages opened by itself, as a bookmark or Back opens it."""
    person = await channel.storage.web_sessions.person_of(browser.http.cookies[COOKIE])
    assert person is not None
    database = channel.storage.database
    runs = [row[0] for row in await database.rows("SELECT id FROM runs WHERE user_id = ?",
                                                  (person,))]
    workshops = [row[0] for row in await database.rows("SELECT id FROM workshops")]
    questionnaire = channel.projector.questionnaire
    paths = ["/", "/hilfe", "/datenschutz", "/felder", "/workshop", "/bericht", "/daten-loeschen"]
    for run in runs:
        paths += [f"/ergebnis/{run}", f"/antworten/{run}", f"/naechste-schritte/{run}",
                  f"/bericht/{run}", f"/pause/{run}"]
        for field in questionnaire.fields:
            paths += [f"/ergebnis/{run}/feld/{field.id}", f"/antworten/{run}/feld/{field.id}",
                      f"/naechste-schritte/{run}/feld/{field.id}"]
            for statement in field.statements:
                paths += [f"/aussage/{run}/{statement.id}",
                          f"/antworten/{run}/aussage/{statement.id}"]
    for workshop in workshops:
        paths += [f"/workshop/{workshop}{view}"
                  for view in ("", "/stand", "/ergebnis", "/schritte", "/dialog", "/referenz",
                                 "/teilnahme")]
    for path in paths:
        response = await browser.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        reader.read(f"{name} address {path}", words(response.text))


async def act(browser: Browser, reader: Reader, where: str, kind: str, value: str) -> None:
    if kind == "get":
        response = await browser.http.get(value)
        if value.startswith("/datei/") and response.headers.get("content-type") == "application/pdf":
            pdf = PdfReader(io.BytesIO(response.content))
            reader.read(f"{where} (PDF)", " ".join(p.extract_text() for p in pdf.pages))
            return
        if response.headers.get("content-type", "").startswith("text/html"):
            reader.read(where, words(response.text))
        if response.status_code == 303:
            response = await browser.settled(response.headers["location"])
            reader.read(where, words(response.text))
        return  # the page the link opened is read; the crawl goes on from the last page
    response = await (browser.post(**{kind: value}))
    if response.status_code == 303:
        response = await browser.settled(response.headers["location"])
    else:
        browser.page = response.text
    reader.read(where, words(response.text))


async def test_no_page_of_a_browser_only_installation_speaks_of_a_chat(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    reader = Reader()
    browser_only = settings_from_env({"SELBSTCHECK_DB": str(tmp_path / "web.db")})
    async with opened_channel(browser_only, small_questionnaire, renderer) as channel:
        await click_through_everything(channel, reader)
    assert reader.pages > 300  # everything was read, not just the first page
    assert not reader.found, "\n".join(dict.fromkeys(reader.found))


async def click_through_everything(channel: WebChannel, reader: Reader) -> None:
    """A coordinator, six participants and a person on their own, each to the end."""
    coordinator = Browser(channel)
    page = await coordinator.set_up_workshop()
    reader.read("coordinator: invitation", words(page.text))
    link = re.search(r"http://127\.0\.0\.1:8080(/w/[A-Za-z0-9_-]{22})", page.text)
    assert link, page.text
    for number in range(5):  # k = 5: enough people for a result to release and share
        participant = Browser(channel)
        opened = await participant.http.get(link[1])
        page = await participant.settled(opened.headers["location"])
        reader.read(f"participant {number}: joined", words(page.text))
        await participant.send("Politik")
        for _ in range(7):
            page = await participant.press("B · Trifft eher zu")
        reader.read(f"participant {number}: done", words(page.text))

    late = Browser(channel)  # one more, who looks at everything a participant can reach
    opened = await late.http.get(link[1])
    await late.settled(opened.headers["location"])
    await explore(late, reader, 120, "participant")
    await explore(coordinator, reader, 400, "coordinator")
    person = Browser(channel)  # and somebody with a self-check of their own
    await explore(person, reader, 200, "person")

    for browser, name in ((late, "participant"), (coordinator, "coordinator"), (person, "person")):
        await visit_addresses(channel, browser, reader, name)
    for browser, name in ((coordinator, "coordinator"), (person, "person")):
        # what was saved for the end: closing, cancelling, deleting
        for label in LAST:
            for value, shown in _ACTION.findall(browser.page):
                if label in unescape(shown):
                    await act(browser, reader, f"{name} {label}", "action", value)
                    break
        await act(browser, reader, f"{name} nav loeschen", "command", "loeschen")
        for value, shown in _ACTION.findall(browser.page):
            if ERASE in unescape(shown):
                await act(browser, reader, f"{name} deleted", "action", value)
        assert "Ihre Daten sind gelöscht" in browser.page
