"""The browser channel under attack: a guesser in a full room, fixation, a flood of visitors.

Each test plays an attack from the security review against the real app over an
ASGI client (all browsers here share one address, as a room on one Wi-Fi does)
and asserts what the people beside the attacker still get.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.config import Web
from bot.web.app import COOKIE, WebChannel, build_web_app
from bot.web.security import Throttle, VisitorTokens, address_key
from bot.web.server import http_server
from bot.web.views import KeptViews
from tests.flow.test_web import Browser, counts

ROOM = "192.0.2.7"  # the address every Browser here comes from
_LINK = re.compile(r'<a href="http://127\.0\.0\.1:8080(/weiter/[^"]+)"')
_CHART = re.compile(r'<img src="(/datei/[^"]+)"')


async def continue_path(browser: Browser) -> str:
    page = await browser.get("/fortsetzen")
    link = _LINK.search(page.text)
    assert link, page.text
    return link[1]


async def opened(browser: Browser, path: str) -> httpx.Response:
    """A link opened as a browser opens it: redirects followed, the cookie kept."""
    response = await browser.http.get(path)
    for _ in range(3):
        if response.status_code != 303:
            break
        response = await browser.http.get(response.headers["location"])
    browser.page = response.text
    return response


async def started(channel: WebChannel, answers: int = 1) -> Browser:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    for _ in range(answers):
        await browser.press("A · Trifft zu")
    return browser


async def answers_of(channel: WebChannel, browser: Browser) -> int:
    person = await channel.storage.web_sessions.person_of(browser.http.cookies[COOKIE])
    assert person is not None
    rows = await channel.storage.database.rows(
        "SELECT COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id WHERE user_id = ?",
        (person,))
    return int(rows[0][0])


async def answered_once(person: Browser) -> int:
    """How many of a page and an answer got through (0 to 2)."""
    page = await person.get()
    if page.status_code != 200 or "B · Trifft eher zu" not in page.text:
        return 0
    answered = await person.post(action=person.button("B · Trifft eher zu"))
    return 1 + (answered.status_code == 303)


# --- a throttle that protects without locking out -------------------------------------------

async def test_thirty_people_on_one_address_keep_working_while_one_of_them_guesses(
        channel: WebChannel) -> None:
    channel.throttle.pause = 0  # the wait a browser without a session gets; not timed here
    room = [await started(channel) for _ in range(30)]
    links = [await continue_path(person) for person in room]
    guesser = Browser(channel)  # with a session of its own ...
    await guesser.get()
    cookieless = Browser(channel)  # ... and dropping its cookie for every guess
    tries = succeeded = guesses = looked_up = 0
    for round_ in range(12):
        for guess in range(40):  # 480 wrong continue links in all, past any ceiling
            client = guesser if guess % 4 == 0 else cookieless
            cookieless.http.cookies.clear()
            response = await client.http.get(f"/weiter/{round_:02d}{guess:02d}{'x' * 28}")
            guesses += 1
            looked_up += response.status_code == 404
        for index in range(round_ % 3, 30, 3):  # a third of the room acts each round
            tries += 2
            succeeded += await answered_once(room[index])
    # and each of them can still open their own link, on a phone that has no cookie yet
    phones = [await opened(Browser(channel), link) for link in links]
    moved = sum(phone.status_code == 200 and "gesamt" in phone.text for phone in phones)
    print(f"room: {succeeded}/{tries} requests and {moved}/30 own links through; guesser: "
          f"{looked_up} of {guesses} guesses looked up")
    assert succeeded == tries and moved == 30
    assert looked_up < guesses  # past the ceiling, a guess without a session waits for one


async def test_a_guessing_session_is_refused_even_its_right_link_but_nobody_beside_it(
        channel: WebChannel) -> None:
    owner = await started(channel)
    link = await continue_path(owner)
    guesser = Browser(channel)
    await guesser.get()
    for guess in range(10):
        assert (await guesser.http.get(f"/weiter/{guess:02d}{'y' * 30}")).status_code == 404
    assert (await guesser.http.get(link)).status_code == 429
    neighbour = Browser(channel)  # same address, own session
    await neighbour.get()
    assert (await opened(neighbour, link)).status_code == 200


async def test_every_page_counts_a_guessed_cookie(channel: WebChannel) -> None:
    channel.throttle = Throttle(address_attempts=6)
    guesser = Browser(channel)
    forged = VisitorTokens().new()  # the form of a visitor's cookie, signed with another key
    for path in ("/datenschutz", "/barrierefreiheit", "/", "/fortsetzen", "/datei/x", "/"):
        assert not channel.throttle.crowded(ROOM)
        guesser.http.cookies.clear()
        guesser.http.cookies.set(COOKIE, forged if path == "/" else "geraten" * 5)
        await guesser.http.get(path)
    assert channel.throttle.crowded(ROOM)


@pytest.mark.parametrize(("host", "key"), [
    ("192.0.2.7", "192.0.2.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # a device of one network ...
    ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),  # ... and another one, counted together
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("unknown", "unknown"),
])
def test_an_ipv6_network_counts_as_one_address(host: str, key: str) -> None:
    assert address_key(host) == key


# --- forwarded headers, through the real server ---------------------------------------------

@pytest.fixture
async def served(channel: WebChannel) -> AsyncIterator[tuple[WebChannel, str]]:
    """The app behind uvicorn on a free port of 127.0.0.1, as it runs in production."""
    server = http_server(build_web_app(channel), Web(listen="127.0.0.1", port=0))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield channel, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def test_a_forwarded_address_from_a_peer_nobody_listed_is_not_believed(
        served: tuple[WebChannel, str]) -> None:
    channel, url = served
    channel.throttle.pause = 0
    async with httpx.AsyncClient(base_url=url) as guesser:
        statuses = []
        for guess in range(320):  # each guess claims another address
            response = await guesser.get(
                f"/weiter/{guess:03d}{'z' * 29}",
                headers={"x-forwarded-for": f"198.51.100.{guess % 250}",
                         "forwarded": f"for=203.0.113.{guess % 250}"})
            guesser.cookies.clear()
            statuses.append(response.status_code)
    # counted under the peer's own address: past its ceiling the guesses stop being looked up
    print(f"rotating X-Forwarded-For: {statuses.count(404)} of 320 guesses looked up")
    assert statuses[-1] != 404 and statuses.count(404) < 320
    assert channel.throttle.crowded("127.0.0.1")
    assert not channel.throttle.crowded("198.51.100.1")  # nobody can choose whom to crowd


async def test_a_forwarded_address_from_a_listed_proxy_is_believed(channel: WebChannel) -> None:
    channel.web = Web(trusted_proxies=("192.0.2.0/24",))
    channel.throttle.pause = 0
    owner = await started(channel)
    link = await continue_path(owner)
    proxy = Browser(channel)  # every request comes through the proxy at 192.0.2.7
    for guess in range(320):
        await proxy.http.get(f"/weiter/{guess:03d}{'z' * 29}",
                             headers={"x-forwarded-for": "198.51.100.1"})
        proxy.http.cookies.clear()
    crowded = await proxy.http.get(f"/weiter/{'q' * 32}", headers={"x-forwarded-for": "198.51.100.1"})
    assert crowded.status_code != 404  # the guesser's own address is crowded ...
    proxy.http.cookies.clear()
    other = await proxy.http.get(link, headers={"x-forwarded-for": "198.51.100.2"})
    assert other.status_code == 303 and other.headers["location"] == "/"  # ... nobody else's


# --- nobody answers into an identity somebody else holds ------------------------------------

async def test_a_continue_link_moves_the_person_and_the_old_link_stops_working(
        channel: WebChannel) -> None:
    attacker = await started(channel, answers=0)
    link = await continue_path(attacker)
    victim = Browser(channel)  # sent the link as "your personal invitation"
    response = await opened(victim, link)
    assert response.status_code == 200
    for _ in range(3):
        await victim.press("A · Trifft zu")
    # the attacker's browser no longer names the person, nor does the old link
    seen = await attacker.get()
    assert "gesamt 3/7" not in seen.text and "Willkommen zum Selbstcheck" in seen.text
    assert (await attacker.http.get(link)).status_code == 404
    # the victim's page offers a new link, which works
    renewed = await continue_path(victim)
    assert renewed != link
    assert await answers_of(channel, victim) == 3


async def test_a_browser_holding_answers_asks_before_it_switches(channel: WebChannel) -> None:
    attacker = await started(channel, answers=0)
    link = await continue_path(attacker)
    victim = await started(channel, answers=2)
    own_link = await continue_path(victim)
    asked = await victim.http.get(link)
    assert asked.status_code == 200 and "Zu anderen Angaben wechseln?" in asked.text
    assert "2 Antworten" in asked.text and "0 Antworten" in asked.text
    assert own_link.removeprefix("/weiter/") in asked.text  # the way back to their own
    # the victim does not switch: their next answers stay their own
    await victim.get()
    await victim.press("A · Trifft zu")
    assert await answers_of(channel, victim) == 3
    assert await answers_of(channel, attacker) == 0
    # switching is a form of this browser's own (CSRF), and works without script
    victim.page = asked.text
    forged = await victim.http.post(link, data={"csrf": "0" * 64})
    assert forged.status_code == 403
    switched = await victim.http.post(link, data={"csrf": victim.csrf()})
    assert switched.status_code == 303
    assert (await attacker.get()).status_code == 200
    assert "Willkommen zum Selbstcheck" in attacker.page  # the attacker is out
    assert (await opened(Browser(channel), own_link)).status_code == 200  # own data kept


async def test_a_prepared_invitation_cannot_hand_out_a_pre_joined_identity(
        channel: WebChannel) -> None:
    coordinator = Browser(channel)
    await coordinator.get()
    await coordinator.post(command="workshop")
    await coordinator.get()
    await coordinator.post(form="", text="Musterstadt")
    await coordinator.get()
    await coordinator.press("Alle Handlungsfelder")
    await coordinator.press("Weiter: Gruppen")
    page = await coordinator.press("Workshop anlegen")
    invitation = re.search(r"http://127\.0\.0\.1:8080(/w/[A-Za-z0-9_-]{22})", page.text)
    assert invitation
    # the coordinator prepares an identity that has joined, and keeps its browser
    prepared = Browser(channel)
    await opened(prepared, invitation[1])
    await prepared.send("Politik")
    personal = await continue_path(prepared)
    # a participant opens the "personal invitation" and answers
    participant = Browser(channel)
    await opened(participant, personal)
    for _ in range(3):
        await participant.press("B · Trifft eher zu")
    assert await answers_of(channel, participant) == 3
    # the coordinator's prepared browser and link read nothing of it
    seen = await prepared.get()
    assert "Willkommen zum Selbstcheck" in seen.text and "Musterstadt" not in seen.text
    assert (await prepared.http.get(personal)).status_code == 404
    # and the invitation itself joins the browser's own person
    own = await started(channel)
    await opened(own, invitation[1])
    person = await channel.storage.web_sessions.person_of(own.http.cookies[COOKIE])
    rows = await channel.storage.database.rows(
        "SELECT user_id FROM workshop_participants WHERE user_id = ?", (person,))
    assert len(rows) == 1


# --- a flood of visitors ----------------------------------------------------------------------

async def test_a_flood_of_new_visitors_stores_nothing_and_evicts_no_kept_file(
        channel: WebChannel) -> None:
    channel.kept = KeptViews(people=500)  # memory for 500 people's views, as 5,000 in production
    person = await started(channel, answers=7)  # the result, with its chart
    chart = _CHART.search(person.page)
    assert chart, person.page
    before = await counts(channel)
    changes = await channel.storage.database.rows("SELECT total_changes()")
    transport = httpx.ASGITransport(app=build_web_app(channel), client=("198.51.100.9", 1))
    statements: list[str] = []
    await channel.storage.database.connection.set_trace_callback(statements.append)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as flood:
        for _ in range(1000):
            flood.cookies.clear()
            assert (await flood.get("/")).status_code == 200
    await channel.storage.database.connection.set_trace_callback(None)
    after = await counts(channel)
    written = (await channel.storage.database.rows("SELECT total_changes()"))[0][0] - changes[0][0]
    kept = await person.http.get(chart[1])
    print(f"1,000 new visitors: {after[0] - before[0]} rows, {written} rows written, "
          f"{len(statements)} statements; the chart kept: {kept.status_code}")
    assert after == before and written == 0 and kept.status_code == 200
    assert statements == []  # the welcome was made once, at the first visit before the flood


async def test_people_started_from_one_address_are_bounded_and_keep_a_kept_file(
        channel: WebChannel) -> None:
    channel.kept = KeptViews(people=50)
    person = await started(channel, answers=7)
    chart = _CHART.search(person.page)
    assert chart
    created = refused = 0
    for _ in range(300):  # each a new browser that presses the first button
        newcomer = Browser(channel)
        await newcomer.get()
        response = await newcomer.post(action=newcomer.button("Selbstcheck beginnen"))
        created += response.status_code == 303
        if response.status_code == 429:
            refused += 1
            assert "sehr viele Personen neu begonnen" in response.text
    users, _ = await counts(channel)
    kept = await person.http.get(chart[1])
    print(f"300 newcomers from one address: {created} stored, {refused} refused; "
          f"the chart kept: {kept.status_code}")
    assert 40 <= created <= 100 and users == created + 1 and refused == 300 - created
    assert kept.status_code == 200


async def test_a_cookie_or_form_token_in_any_characters_is_refused_calmly(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    refused = await browser.http.post("/aktion", data={"csrf": "ä" * 64, "command": "hilfe"})
    assert refused.status_code == 403
    browser.http.cookies.clear()
    odd = await browser.http.get("/", headers=[(b"cookie", f"{COOKIE}=abc.äöü".encode("latin-1"))])
    assert odd.status_code == 200 and "Willkommen zum Selbstcheck" in odd.text
