"""The projector's wall over an ASGI client: its slides, what they say, and who steps through them."""

from __future__ import annotations

import re
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings, Web
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import WebChannel
from tests.clock import SettableClock
from tests.conftest import ExactReleases
from tests.web_client import Browser, opened_channel

_INVITATION = re.compile(r"/w/([A-Za-z0-9_-]{22})")
_STORED = re.compile(r'data-stored="([^"]+)"')


@pytest.fixture
async def channel(tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
                  clock: SettableClock) -> AsyncIterator[WebChannel]:
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web(), min_group=3,
                        release_noise=ExactReleases())
    async with opened_channel(settings, small_questionnaire, renderer, clock=clock) as channel:
        yield channel


async def workshop_with(channel: WebChannel, room: list[tuple[str, str]]) -> tuple[Browser, int]:
    """A coordinator's workshop that ``room`` (perspective, answers) took part in."""
    coordinator = Browser(channel)
    page = await coordinator.set_up_workshop()
    link = _INVITATION.search(page.text)
    assert link, page.text
    for perspective, answers in room:
        person = Browser(channel)
        opened = await person.http.get(f"/w/{link[1]}")
        await person.get(opened.headers["location"])
        await person.send(perspective)
        for choice in answers:
            await person.press(f"{choice} · ")
    [workshop] = await channel.storage.workshops.coordinated_by(
        (await channel.storage.web_sessions.person_of(coordinator.http.cookies["selbstcheck"])) or 0)
    return coordinator, workshop.id


async def close(coordinator: Browser) -> None:
    await coordinator.post(command="workshop")
    await coordinator.get()
    await coordinator.press("Musterstadt")
    await coordinator.press("Workshop schließen")
    await coordinator.press("Ja, Workshop schließen")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def slide(browser: Browser, workshop: int, key: str) -> str:
    response = await browser.get(f"/projektor/{workshop}/{key}")
    assert response.status_code == 200, (key, response.text)
    return response.text


async def test_the_wall_steps_from_joining_to_the_agreed_steps_without_a_personal_menu(
        channel: WebChannel) -> None:
    room = [("Politik", "DDDDDDD")] * 3 + [("Bildung", "AAAAAAA")] * 3
    coordinator, workshop = await workshop_with(channel, room)
    opened = await coordinator.http.get(f"/projektor/{workshop}")
    assert opened.status_code == 303 and opened.headers["location"].endswith("/beitreten")
    join = await slide(coordinator, workshop, "beitreten")
    words = text_of(join)
    assert "Dabei: 6 · fertig: 6" in words and "Politik 3 3" in words and "Bildung 3 3" in words
    assert "127.0.0.1:8080/w/" in words and "http://127.0.0.1" not in words  # the short address
    assert "Folie 1 von 3" in words  # nothing released yet: join, comparison, agreed steps
    assert "Noch ist kein Ergebnis freigegeben" in text_of(await slide(coordinator, workshop,
                                                                       "vergleich"))
    await close(coordinator)

    keys = ["beitreten", "vergleich", "thema/1", "thema/2", "thema/3", "thema/4", "thema/5",
            "thema/6", "thema/7", "baustellen", "schritte"]
    for number, key in enumerate(keys, start=1):
        html = await slide(coordinator, workshop, key)
        words = text_of(html)
        assert f"Folie {number} von {len(keys)}" in words, key
        # the wall's own page: nothing personal, no menu, no technical note
        assert 'class="site"' not in html and 'name="command"' not in html, key
        assert 'aria-label="Befehle"' not in html and "<nav" not in html, key
        assert "Daten löschen" not in words and "JavaScript" not in words, key
        assert "Die Teilnahme ist beendet" in words if key == "beitreten" else True
    comparison = await slide(coordinator, workshop, "vergleich")
    assert f'src="/projektor/{workshop}/vergleich.png"' in comparison
    # the text alternative names the level of every value shown
    assert "Politik (3)" in comparison and "Bildung (3)" in comparison
    assert "Etablierte Stärke (100 %)" in comparison and "Ausgangspunkt (0 %)" in comparison
    chart = await coordinator.http.get(f"/projektor/{workshop}/vergleich.png")
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert struct.unpack(">II", chart.content[16:24]) == (1920, 1080)
    topic = text_of(await slide(coordinator, workshop, "thema/1"))
    assert "Gesprächsanlass 1 von 7" in topic and "Politik (3) 0 %" in topic
    assert "Bildung (3) 100 %" in topic
    shared = text_of(await slide(coordinator, workshop, "baustellen"))
    assert "Kein Handlungsfeld und keine Aussage hat jede Gruppe unter 50 %" in shared
    assert "Noch ist kein Schritt vereinbart" in text_of(await slide(coordinator, workshop,
                                                                     "schritte"))
    assert (await coordinator.get(f"/projektor/{workshop}/thema/8")).status_code == 404
    assert (await coordinator.get(f"/projektor/{workshop}/irgendwas")).status_code == 404


async def test_with_one_shown_group_the_wall_says_that_nothing_can_be_compared_and_why(
        channel: WebChannel) -> None:
    coordinator, workshop = await workshop_with(channel, [("Politik", "BBCCBCB")] * 4)
    await close(coordinator)
    html = await slide(coordinator, workshop, "vergleich")
    words = text_of(html)
    assert "im Vergleich" not in words and "vergleich.png" not in html
    assert "Noch kein Vergleich" in words
    assert ("Alle 4 Teilnehmer*innen gehören zu einer Perspektive: Politik. Ein Vergleich braucht"
            " mindestens zwei Perspektiven mit je mindestens 3 Personen.") in words
    assert "Der Raum als Ganzes (4 Teilnehmer*innen)" in words
    assert "auseinander" not in words  # no claim of consensus where nothing was compared
    chart = await coordinator.http.get(f"/projektor/{workshop}/vergleich.png")
    assert chart.status_code == 404
    # no topic slides: the sequence goes on with what the room as a whole rated low
    assert "Folie 2 von 4" in words
    shared = text_of(await slide(coordinator, workshop, "baustellen"))
    assert "Unter 50 % im ganzen Raum: Ausgangspunkte für gemeinsame Schritte." in shared


async def test_the_coordinators_phone_moves_the_wall_and_nobody_else_can(
        channel: WebChannel) -> None:
    room = [("Politik", "DDDDDDD")] * 3 + [("Bildung", "AAAAAAA")] * 3
    coordinator, workshop = await workshop_with(channel, room)
    await close(coordinator)
    wall = await slide(coordinator, workshop, "beitreten")
    assert _STORED.search(wall)[1] == f"/projektor/{workshop}/beitreten"  # type: ignore[index]
    # the workshop's page on the phone has the two buttons for the wall
    await coordinator.post(command="workshop")
    await coordinator.get()
    page = await coordinator.press("Musterstadt")
    assert f'action="/projektor/{workshop}/fernbedienung"' in page.text
    assert "Wand weiter" in page.text and "Wand zurück" in page.text
    stepped = await coordinator.http.post(f"/projektor/{workshop}/fernbedienung",
                                          data={"csrf": coordinator.csrf(), "schritt": "weiter"})
    assert stepped.status_code == 303
    remote = text_of((await coordinator.get(stepped.headers["location"])).text)
    assert "An der Wand: Folie 2 von 11 – Die Perspektiven im Vergleich" in remote
    # the wall, still on its first slide, learns where to go: it follows within seconds
    wall = await slide(coordinator, workshop, "beitreten")
    assert _STORED.search(wall)[1] == f"/projektor/{workshop}/vergleich"  # type: ignore[index]
    opened = await coordinator.http.get(f"/projektor/{workshop}")
    assert opened.headers["location"] == f"/projektor/{workshop}/vergleich"
    # the wall's own „Weiter“ steps from the slide it shows, and the phone sees it
    stepped = await coordinator.http.post(f"/projektor/{workshop}/folie", data={
        "csrf": coordinator.csrf(), "von": "thema/7", "schritt": "weiter"})
    assert stepped.headers["location"] == f"/projektor/{workshop}/baustellen"
    remote = text_of((await coordinator.get(f"/projektor/{workshop}/fernbedienung")).text)
    assert "An der Wand: Folie 10 von 11 – Gemeinsame Baustellen" in remote
    stepped = await coordinator.http.post(f"/projektor/{workshop}/fernbedienung", data={
        "csrf": coordinator.csrf(), "schritt": "zurueck"})
    assert await channel.storage.projector.current(workshop) == "thema/7"
    # at the ends it stays
    for _ in range(2):
        await coordinator.http.post(f"/projektor/{workshop}/folie", data={
            "csrf": coordinator.csrf(), "von": "schritte", "schritt": "weiter"})
    assert await channel.storage.projector.current(workshop) == "schritte"
    # without the form's token, or from another browser, nothing moves
    refused = await coordinator.http.post(f"/projektor/{workshop}/fernbedienung",
                                          data={"schritt": "zurueck"})
    assert refused.status_code == 403
    stranger = Browser(channel)
    await stranger.get()
    for path in ("beitreten", "fernbedienung", "vergleich.png", "qr.png"):
        assert (await stranger.http.get(f"/projektor/{workshop}/{path}")).status_code == 404
    await stranger.press("Selbstcheck beginnen")
    moved = await stranger.http.post(f"/projektor/{workshop}/fernbedienung",
                                     data={"csrf": stranger.csrf(), "schritt": "zurueck"})
    assert moved.status_code == 404
    assert await channel.storage.projector.current(workshop) == "schritte"


async def test_an_interim_release_is_on_the_wall_while_the_room_still_answers(
        channel: WebChannel) -> None:
    room = [("Politik", "DDDDDDD")] * 3 + [("Bildung", "AAAAAAA")] * 3
    coordinator, workshop = await workshop_with(channel, room)
    await coordinator.post(command="workshop")
    await coordinator.get()
    await coordinator.press("Musterstadt")
    await coordinator.press("Stand")
    await coordinator.press("Zwischenstand freigeben")
    comparison = await slide(coordinator, workshop, "vergleich")
    assert "Zwischenstand" in text_of(comparison) and "vergleich.png" in comparison
    # the join slide still invites: answering is open
    assert "QR-Code scannen" in text_of(await slide(coordinator, workshop, "beitreten"))
    # an interim release shows fields only: the topics come with the final result
    topics = text_of(await slide(coordinator, workshop, "themen"))
    assert "zeigt das Endergebnis, wenn der Workshop geschlossen ist" in topics
    assert "Folie 3 von 5" in topics


async def test_the_agreed_steps_close_the_sequence_three_to_a_slide(channel: WebChannel) -> None:
    coordinator, workshop = await workshop_with(channel, [])
    person = await channel.storage.web_sessions.person_of(coordinator.http.cookies["selbstcheck"])
    assert person is not None
    for position in range(1, 5):
        await channel.storage.steps.save(person, workshop, position, f"Schritt {position}: Runder Tisch",
                                         "Integrationsbüro", "bis März")
    first = text_of(await slide(coordinator, workshop, "schritte"))
    assert "Vereinbarte nächste Schritte (1 von 2)" in first
    assert "Schritt 3: Runder Tisch Integrationsbüro · bis März" in first
    assert "Schritt 4" not in first and "Folie 3 von 4" in first
    second = await slide(coordinator, workshop, "schritte/2")
    assert '<ol class="agreed" start="4">' in second and "Schritt 4: Runder Tisch" in second


async def test_the_administrations_consented_view_stands_beside_the_room_on_the_wall(
        channel: WebChannel, small_questionnaire: Questionnaire) -> None:
    room = [("Politik", "DDDDDDD")] * 3 + [("Bildung", "AAAAAAA")] * 3
    coordinator, workshop_id = await workshop_with(channel, room)
    person = await channel.storage.web_sessions.person_of(coordinator.http.cookies["selbstcheck"])
    workshop = await channel.storage.workshops.workshop(workshop_id)
    assert person is not None and workshop is not None
    answers = {s.id: "B" for field in small_questionnaire.fields for s in field.statements}
    assert await channel.storage.references.place(workshop_id, workshop.revision, person,
                                                  answers, "2026-11-30")
    await close(coordinator)
    comparison = text_of(await slide(coordinator, workshop_id, "vergleich"))
    assert "Bildung (3) Selbsteinschätzung der Verwaltung" in comparison
    assert "Etablierte Stärke (100 %) Auf gutem Weg (67 %)" in comparison
    chart = await coordinator.http.get(f"/projektor/{workshop_id}/vergleich.png")
    assert chart.status_code == 200


async def test_the_wall_speaks_the_language_the_coordinator_picks_for_the_room(
        channel: WebChannel) -> None:
    coordinator, workshop = await workshop_with(channel, [("Politik", "DDDDDDD")] * 3)
    assert '<html lang="de"' in await slide(coordinator, workshop, "beitreten")
    remote = await coordinator.get(f"/projektor/{workshop}/fernbedienung")
    assert "Sprache an der Wand" in remote.text and 'value="en" lang="en"' in remote.text
    picked = await coordinator.http.post(f"/projektor/{workshop}/sprache",
                                         data={"csrf": coordinator.csrf(), "sprache": "en"})
    assert picked.status_code == 303
    wall = await slide(coordinator, workshop, "beitreten")
    assert '<html lang="en"' in wall and "Slide 1 of" in text_of(wall)
    # the coordinator's own pages stay in their language
    assert '<html lang="de"' in (await coordinator.get(f"/projektor/{workshop}/fernbedienung")).text
    forged = await coordinator.http.post(f"/projektor/{workshop}/sprache",
                                         data={"csrf": coordinator.csrf(), "sprache": "xx"})
    assert forged.status_code == 400
    stranger = Browser(channel)
    await stranger.get("/")
    refused = await stranger.http.post(f"/projektor/{workshop}/sprache",
                                       data={"csrf": stranger.csrf(), "sprache": "de-x-ls"})
    assert refused.status_code in (403, 404)
    assert '<html lang="en"' in await slide(coordinator, workshop, "beitreten")
