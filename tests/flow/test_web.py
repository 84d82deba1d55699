"""The browser channel over an ASGI client: forms, sessions and what every request must pass."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from bot.flows.actions import DraftStep, ManageWorkshop, Text, WorkshopCommand
from bot.flows.outcome import Reply
from bot.flows.upkeep import keep_alive
from bot.store.operations import backup_database
from bot.web.app import COOKIE, Person, WebChannel
from bot.web.security import Throttle
from tests.web_client import Browser


async def counts(channel: WebChannel) -> tuple[int, int]:
    users = await channel.storage.database.rows("SELECT COUNT(*) FROM users")
    answers = await channel.storage.database.rows("SELECT COUNT(*) FROM answers")
    return users[0][0], answers[0][0]


async def test_a_first_visit_gets_a_session_cookie_and_safe_headers(channel: WebChannel) -> None:
    browser = Browser(channel)
    response = await browser.get()
    assert response.status_code == 200 and "Willkommen zum Selbstcheck" in response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = browser.http.cookies[COOKIE]
    assert len(token) >= 22  # at least 128 bits
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self';" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "<script>" not in response.text and "style=" not in response.text
    # a visitor costs the database nothing until their first action that is kept
    assert await counts(channel) == (0, 0)
    again = await browser.get()
    assert "set-cookie" not in again.headers  # the same visitor
    await browser.press("Selbstcheck beginnen")
    assert browser.http.cookies[COOKIE] == token  # their open pages stay valid
    # only the token's hash is stored; the person is a negative user id
    rows = await channel.storage.database.rows("SELECT user_id, token_hash FROM web_sessions")
    assert len(rows) == 1 and rows[0][0] < 0 and token.encode() not in bytes(rows[0][1])


async def test_the_about_page_says_where_the_self_check_comes_from_in_browser_words(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    response = await browser.get("/ueber")
    assert response.status_code == 200
    page = response.text
    assert "<title>Über diesen Selbstcheck – " in page and "<h1>Über diesen Selbstcheck</h1>" in page
    for part in ("Modellprojekt „Weltoffene Kommune – Vom Dialog zum Zusammenhalt“",
                 "unabhängige Umsetzung", "<h2>Wer ausfüllt und wen Sie dazuholen</h2>",
                 "<h2>Wie lange es dauert</h2>", "kein Ranking", "keine wissenschaftliche Analyse"):
        assert part in page, part
    main = re.sub(r"<[^>]+>", " ", page[page.index("<main"):page.index("</main>")])
    assert not re.search(r"\b(?:Bot|Chat|Telegram)\b|/[a-z]+\b(?![\w.])", main)
    # every page links to it
    home = await browser.get()
    assert 'href="/ueber">Über diesen Selbstcheck</a>' in home.text


async def test_answers_go_post_redirect_get_and_a_reload_acts_once(channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    page = await browser.press("Selbstcheck beginnen")
    assert "gesamt 0/7" in page.text
    # the page's title names what it shows
    assert "<title>Aussage 1.1 – Steuerung &amp; Strategie – " in page.text
    page = await browser.press("A · Trifft zu")
    assert "Ihre Antwort zu 1.1: A – Trifft zu" in page.text and "gesamt 1/7" in page.text
    reloaded = await browser.get()
    assert "gesamt 1/7" in reloaded.text
    assert await counts(channel) == (1, 1)


async def test_a_form_without_a_valid_csrf_token_is_refused_and_stores_nothing(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    answer = browser.button("A · Trifft zu")
    before = await counts(channel)
    for csrf in (None, "0" * 64, "kaputt"):
        data = {"action": answer} if csrf is None else {"action": answer, "csrf": csrf}
        response = await browser.http.post("/aktion", data=data)
        assert response.status_code == 403
        assert "Formular ist abgelaufen" in response.text and 'lang="de"' in response.text
    # another browser's token does not fit this session
    other = Browser(channel)
    await other.get()
    response = await browser.http.post("/aktion", data={"action": answer, "csrf": other.csrf()})
    assert response.status_code == 403
    assert await counts(channel) == before  # the other browser, a visitor, is not stored


async def test_bad_requests_get_a_clear_german_page_and_store_nothing(channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    before = await counts(channel)
    big = await browser.http.post("/aktion", data={"csrf": browser.csrf(), "text": "x" * 40_000})
    assert big.status_code == 413 and "zu groß" in big.text
    forged = await browser.post(action="a:99:eins-01:A")  # somebody else's run
    assert forged.status_code == 303
    shown = await browser.get()
    assert "nicht (mehr) gültig" in shown.text
    empty = await browser.post()
    assert empty.status_code == 400 and "nicht verarbeitet" in empty.text
    missing = await browser.http.get("/gibt-es-nicht")
    assert missing.status_code == 404 and "Diese Seite gibt es nicht." in missing.text
    wrong_method = await browser.http.delete("/")
    assert wrong_method.status_code == 405
    assert await counts(channel) == before


async def test_guessing_continue_links_is_slowed_per_session(channel: WebChannel) -> None:
    channel.throttle = Throttle(attempts=5)
    owner = Browser(channel)
    await owner.get()
    await owner.press("Selbstcheck beginnen")
    path = channel.continue_link(await owner_person(channel, owner)).removeprefix(
        "http://127.0.0.1:8080")
    guesser = Browser(channel)
    await guesser.get()  # a session of its own (a visitor's)
    for guess in range(5):
        response = await guesser.http.get(f"/weiter/{'A' * 31}{guess}")
        assert response.status_code == 404 and "nicht (mehr) gültig" in response.text
    blocked = await guesser.http.get(path)  # even the right link, for a while
    assert blocked.status_code == 429 and "zu viele ungültige Links" in blocked.text
    assert COOKIE not in blocked.headers.get("set-cookie", "")
    # the owner, on the same address, is not refused for it
    assert (await owner.get()).status_code == 200


async def owner_person(channel: WebChannel, browser: Browser) -> Person:
    token = browser.http.cookies[COOKIE]
    person = await channel.storage.web_sessions.person_of(token)
    assert person is not None
    return Person(person, token)


async def test_the_continue_link_makes_another_browser_the_same_person(
        channel: WebChannel) -> None:
    first = Browser(channel)
    await first.get()
    await first.press("Selbstcheck beginnen")
    await first.press("B · Trifft eher zu")
    page = await first.get("/fortsetzen")
    link = re.search(r'<a href="(http://127\.0\.0\.1:8080/weiter/[^"]+)"', page.text)
    assert link
    qr = await first.http.get("/fortsetzen/qr.png")
    assert qr.headers["content-type"] == "image/png" and qr.content[:4] == b"\x89PNG"
    second = Browser(channel)
    moved = await second.http.get(link[1].removeprefix("http://127.0.0.1:8080"))
    assert moved.status_code == 303
    page = await second.get(moved.headers["location"])
    assert "gesamt 1/7" in page.text
    assert await counts(channel) == (1, 1)


async def test_a_workshop_invitation_opens_in_the_browser_and_offers_telegram(
        channel: WebChannel) -> None:
    channel.telegram_link = lambda invitation: f"https://t.me/selbstcheck_bot?start=w_{invitation.token}"
    coordinator = Browser(channel)
    await coordinator.get()
    asked = await coordinator.post(command="workshop")
    assert asked.status_code == 303
    await coordinator.get()
    named = await coordinator.post(form="", text="Musterstadt")
    assert named.status_code == 303
    await coordinator.get()
    await coordinator.press("Alle Handlungsfelder")
    await coordinator.press("Weiter: Gruppen")
    page = await coordinator.press("Workshop anlegen")
    link = re.search(r"http://127\.0\.0\.1:8080/w/([A-Za-z0-9_-]{22})", page.text)
    assert link, page.text
    participant = Browser(channel)
    opened = await participant.http.get(f"/w/{link[1]}")
    assert opened.status_code == 303
    page = await participant.get(opened.headers["location"])
    assert "Musterstadt" in page.text and "Politik" in page.text
    assert f'href="https://t.me/selbstcheck_bot?start=w_{link[1]}"' in page.text
    assert "In Telegram öffnen" in page.text
    # a mangled invitation is explained, without the Telegram button
    mangled = await participant.http.get("/w/kaputt")
    page = await participant.get(mangled.headers["location"])
    assert "In Telegram öffnen" not in page.text




async def test_a_telegram_coordinator_manages_the_workshop_in_the_browser_by_a_private_link(
        channel: WebChannel) -> None:
    coordinator = 4711  # a Telegram user id
    flows = channel.port.flows
    await flows.act(coordinator, WorkshopCommand())
    await flows.act(coordinator, Text("Musterstadt"))
    await flows.act(coordinator, DraftStep("all"))
    await flows.act(coordinator, DraftStep("create"))
    workshop = (await channel.storage.workshops.coordinated_by(coordinator))[0]
    menu = await flows.act(coordinator, ManageWorkshop("menu", workshop.id))
    assert menu.edit is not None
    assert ManageWorkshop("browser", workshop.id) in [b.action for row in menu.edit.keyboard
                                                      for b in row]
    outcome = await flows.act(coordinator, ManageWorkshop("browser", workshop.id))
    assert isinstance(outcome.send[0], Reply)
    link = re.search(r"http://127\.0\.0\.1:8080(/verwalten/[A-Za-z0-9_-]{32}/[0-9]+)",
                     outcome.send[0].text)
    assert link, outcome.send[0].text
    laptop = Browser(channel)
    opened = await laptop.http.get(link[1])
    assert opened.status_code == 303
    page = await laptop.get(opened.headers["location"])
    assert "Workshop „Musterstadt“" in page.text and "Projektor-Ansicht" in page.text
    projector = await laptop.get(f"/projektor/{workshop.id}/beitreten")
    # the room joins in the browser, also when the workshop was set up in Telegram
    assert f"127.0.0.1:8080/w/{workshop.token}" in projector.text  # without "http://"
    # a guessed link is refused; the person's data deleted, the link is gone
    stranger = Browser(channel)
    guessed = await stranger.http.get(f"/verwalten/{'A' * 32}/{workshop.id}")
    assert guessed.status_code == 404
    await channel.storage.people.delete(coordinator)
    gone = await stranger.http.get(link[1])
    assert gone.status_code == 404


async def test_without_telegram_a_replaced_database_file_stops_the_server(
        channel: WebChannel, tmp_path: Path) -> None:
    # As the bot's heartbeat does: answers confirmed into a file nobody reads again must stop.
    stops: list[bool] = []
    database = channel.storage.database.path
    backup_database(database, tmp_path / "restored.db")
    os.replace(tmp_path / "restored.db", database)  # a restore while the server runs
    reason = await asyncio.wait_for(
        keep_alive(channel.port.flows, channel.storage, 0, lambda: stops.append(True)), 10)
    assert stops == [True]
    assert "gelöscht oder ersetzt" in reason
