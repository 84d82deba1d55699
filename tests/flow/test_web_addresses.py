"""Every page of the browser at its own address: shown from what is stored, titled as what it
is, a confirmation once, Back and Forward between statements, and stale addresses answered
politely."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.config import Settings, Web
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import WebChannel
from tests.clock import SettableClock
from tests.conftest import ExactReleases
from tests.web_client import Browser, opened_channel

_TITLE = re.compile(r"<title>(.*?) – Selbstcheck „Weltoffene Kommune“</title>")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>")


@pytest.fixture
async def channel(tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
                  clock: SettableClock) -> AsyncIterator[WebChannel]:
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web(),
                        release_noise=ExactReleases(), min_group=1)
    async with opened_channel(settings, small_questionnaire, renderer, clock=clock) as channel:
        yield channel


def titled(response: httpx.Response) -> tuple[str, str]:
    """The page's ``<title>`` (without the site's name) and its ``<h1>``."""
    title, heading = _TITLE.search(response.text), _H1.search(response.text)
    assert title and heading, response.text
    return title[1].replace("&amp;", "&"), heading[1].replace("&amp;", "&")


def path_of(response: httpx.Response) -> str:
    return response.url.path


async def stored(channel: WebChannel) -> list[tuple[object, ...]]:
    """Everything a GET could change by mistake: answers, runs with their cursor, waits."""
    database = channel.storage.database
    return [*await database.rows("SELECT run_id, statement_id, choice FROM answers ORDER BY 1, 2"),
            *await database.rows("SELECT id, status, cursor FROM runs ORDER BY id"),
            *await database.rows("SELECT * FROM pending_inputs"),
            *await database.rows("SELECT run_id, statement_id FROM priorities ORDER BY 1, 2")]


async def answered_all(browser: Browser) -> httpx.Response:
    await browser.get()
    page = await browser.press("Selbstcheck beginnen")
    for _ in range(7):
        page = await browser.press("B · Trifft eher zu")
    return page


async def test_every_page_has_its_address_a_true_title_and_heading(channel: WebChannel) -> None:
    browser = Browser(channel)
    welcome = await browser.get("/")
    assert titled(welcome) == ("Startseite", "Startseite")
    assert "Willkommen zum Selbstcheck" in welcome.text
    for path, title in (("/datenschutz", "Datenschutz"), ("/hilfe", "Hilfe"),
                        ("/felder", "Handlungsfelder")):
        page = await browser.get(path)
        assert page.status_code == 200 and titled(page) == (title, title), path
    await browser.get("/")
    first = await browser.press("Selbstcheck beginnen")
    assert path_of(first) == "/aussage/1/eins-01"
    assert titled(first) == ("Aussage 1.1 – Steuerung & Strategie",) * 2
    for _ in range(7):
        page = await browser.press("B · Trifft eher zu")
    assert path_of(page) == "/ergebnis/1"
    assert titled(page) == ("Ihr Ergebnis", "Ihr Ergebnis")
    pages = {
        "/ergebnis/1": "Ihr Ergebnis",
        "/ergebnis/1/feld/eins": "Ergebnis im Handlungsfeld 1: Steuerung & Strategie",
        "/antworten/1": "Antworten ändern",
        "/antworten/1/feld/zwei": "Antworten ändern: Handlungsfeld 2",
        "/antworten/1/aussage/eins-02": "Antwort ändern: Aussage 1.2",
        "/naechste-schritte/1": "Nächste Schritte",
        "/bericht/1": "Bericht",
        "/bericht": "Bericht",
        "/daten-loeschen": "Daten löschen",
        "/workshop": "Workshops",
        "/": "Startseite",
    }
    before = await stored(channel)
    for path, title in pages.items():
        page = await browser.get(path)
        assert page.status_code == 200 and path_of(page) == path, path
        assert titled(page) == (title, title), path
    assert await stored(channel) == before  # a GET changes nothing
    # the report's page offers the PDF; opening it again never makes another one
    report = await browser.get("/bericht/1")
    assert "Bericht zum Ausdrucken" in report.text and "/datei/" not in report.text
    # the buttons on a page lead to the addresses of theirs
    await browser.get("/ergebnis/1")
    assert path_of(await browser.press("Antworten ändern")) == "/antworten/1"
    assert path_of(await browser.press("2 · ")) == "/antworten/1/feld/zwei"
    changed = await browser.send("2.1 ", "A · Trifft zu")  # the statement and its new answer
    assert path_of(changed) == "/antworten/1/feld/zwei"
    assert titled(changed) == ("Antworten ändern: Handlungsfeld 2",) * 2


async def test_a_confirmation_is_shown_once_on_the_page_after_the_answer(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    page = await browser.press("A · Trifft zu")
    assert path_of(page) == "/aussage/1/eins-02"
    # one confirmation of the answer, not two
    assert page.text.count("Ihre Antwort zu 1.1: A – Trifft zu") == 1
    assert "Gespeichert:" not in page.text
    reloaded = await browser.get("/aussage/1/eins-02")
    assert "Ihre Antwort zu 1.1" not in reloaded.text and "gesamt 1/7" in reloaded.text
    # another page in between: never shown on a later visit either
    again = await browser.press("B · Trifft eher zu")
    assert "Ihre Antwort zu 1.2: B – Trifft eher zu" in again.text
    await browser.get("/hilfe")
    later = await browser.get("/aussage/1/eins-03")
    assert "Ihre Antwort zu" not in later.text and "gesamt 2/7" in later.text
    # a field's end says its result once, on the next field's first statement
    done = await browser.press("C · Trifft eher nicht zu")
    assert path_of(done) == "/aussage/1/zwei-01" and "Handlungsfeld 1 abgeschlossen" in done.text
    assert done.text.count("Ihre Antwort zu 1.3") == 1
    assert "Handlungsfeld 1 abgeschlossen" not in (await browser.get("/aussage/1/zwei-01")).text


async def test_back_shows_the_previous_statement_changeable_and_forward_returns(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    await browser.press("A · Trifft zu")
    await browser.press("B · Trifft eher zu")
    before = await stored(channel)
    back = await browser.get("/aussage/1/eins-02")  # the browser's Back
    assert titled(back)[0] == "Aussage 1.2 – Steuerung & Strategie"
    assert "Bisherige Antwort: B – Trifft eher zu" in back.text
    assert "✅ B · Trifft eher zu" in back.text
    assert 'href="/aussage/1/eins-01"' in back.text and 'href="/aussage/1/eins-03"' in back.text
    forward = await browser.get("/aussage/1/eins-03")  # and Forward
    assert "gesamt 2/7" in forward.text and "Bisherige Antwort" not in forward.text
    first = await browser.get("/aussage/1/eins-01")
    assert "Bisherige Antwort: A – Trifft zu" in first.text
    assert await stored(channel) == before  # going back and forth changes nothing
    # answering there changes that answer, and goes on to the statement still open
    changed = await browser.press("D · Trifft nicht zu")
    assert path_of(changed) == "/aussage/1/eins-03"
    assert "Ihre Antwort zu 1.1: D – Trifft nicht zu" in changed.text
    answers = await channel.storage.runs.answers(1)
    assert answers == {"eins-01": "D", "eins-02": "B"}
    # a statement not reached yet: the open one, at its own address
    ahead = await browser.get("/aussage/1/drei-02")
    assert path_of(ahead) == "/aussage/1/eins-03" and "noch nicht an der Reihe" in ahead.text


async def test_stale_and_foreign_addresses_get_a_polite_page_with_a_way_on(
        channel: WebChannel) -> None:
    anna = Browser(channel)
    await answered_all(anna)
    ben = Browser(channel)
    await ben.get()
    await ben.press("Selbstcheck beginnen")  # run 2
    for path in ("/ergebnis/1", "/aussage/1/eins-01", "/antworten/1/feld/eins",
                 "/ergebnis/99", "/naechste-schritte/1", "/bericht/1", "/workshop/1",
                 "/workshop/1/teilnahme", "/ergebnis/1/feld/eins/seite/1",
                 "/aussage/2/GROSS", "/workshop/1/irgendwas", "/pause/1"):
        page = await ben.get(path)
        assert page.status_code == 404, path
        assert "gehört nicht zu Ihrem Selbstcheck" in page.text, path
        assert 'href="/">Weiter, wo Sie stehen</a>' in page.text, path
        assert "B – Trifft eher zu" not in page.text and "Traceback" not in page.text, path
    # the person's own page with nothing to show yet says why, with the way on
    open_field = await ben.get("/ergebnis/2/feld/eins")
    assert open_field.status_code == 404 and "noch nicht abgeschlossen" in open_field.text
    assert 'href="/">Weiter, wo Sie stehen</a>' in open_field.text
    gone = await ben.get("/aussage/2/gibt-es-nicht")  # a statement no longer asked
    assert path_of(gone) == "/aussage/2/eins-01" and "nicht mehr" in gone.text
    stranger = Browser(channel)  # nothing stored in this browser
    page = await stranger.get("/ergebnis/1")
    assert page.status_code == 404 and "in diesem Browser nicht geöffnet" in page.text
    assert 'href="/fortsetzen"' in page.text


async def test_help_is_not_shown_again_and_weiter_goes_where_the_person_stands(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    sent = await browser.post(command="hilfe")
    assert sent.headers["location"] == "/hilfe"
    page = await browser.get()
    assert titled(page) == ("Hilfe", "Hilfe")
    home = await browser.get("/")
    assert "Willkommen zum Selbstcheck" in home.text and titled(home)[0] == "Startseite"
    sent = await browser.post(command="weiter")
    assert sent.headers["location"] == "/"
    page = await browser.get()
    assert "Willkommen zum Selbstcheck" in page.text and "kurze Einführung" not in page.text
    # once begun, the start page sends the person to their open statement
    await browser.press("Selbstcheck beginnen")
    await browser.press("A · Trifft zu")
    assert path_of(await browser.get("/")) == "/aussage/1/eins-02"


async def test_workshop_pages_for_coordinator_and_participant(channel: WebChannel) -> None:
    coordinator = Browser(channel)
    created = await coordinator.set_up_workshop()
    workshop = re.search(r"/workshop/([0-9]+)", str(created.url))
    assert workshop, created.url
    number = workshop[1]
    menu = await coordinator.get(f"/workshop/{number}")
    assert titled(menu) == ("Workshop verwalten",) * 2 and "Musterstadt" in menu.text
    status = await coordinator.get(f"/workshop/{number}/stand")
    assert titled(status)[0] == "Workshop: Stand der Antworten"
    reference = await coordinator.get(f"/workshop/{number}/referenz")
    assert titled(reference)[0] == "Workshop: Sicht der Verwaltung als Vergleich"
    # a page with nothing to show yet says why, on a page of its own
    plan = await coordinator.get(f"/workshop/{number}/dialog")
    assert plan.status_code == 404 and "Noch ist kein Ergebnis freigegeben" in plan.text
    assert titled(await coordinator.get("/workshop"))[0] == "Workshops"
    invitation = re.search(r"http://127\.0\.0\.1:8080(/w/[A-Za-z0-9_-]{22})", created.text)
    assert invitation
    participant = Browser(channel)
    joined = await participant.get(invitation[1])
    assert path_of(joined) == f"/workshop/{number}/teilnahme"
    assert titled(joined)[0] == "Workshop-Teilnahme"
    again = await participant.get(f"/workshop/{number}/teilnahme")  # a reload: the same choice
    assert titled(again)[0] == "Workshop-Teilnahme"
    # the coordinator's page is not the participant's
    refused = await participant.get(f"/workshop/{number}")
    assert refused.status_code == 404 and "Musterstadt" not in refused.text
    await participant.get(f"/workshop/{number}/teilnahme")
    chosen = await participant.send("Zivilgesellschaft")
    assert path_of(chosen).startswith("/aussage/")
    assert path_of(await participant.get(f"/workshop/{number}/teilnahme")) == path_of(chosen)
