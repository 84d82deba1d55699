"""The field page: a whole field's answers in one form, stored as one unit or not at all."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import httpx
import pytest

from bot.flows.actions import AnswerField
from bot.web.app import WebChannel
from tests.clock import SettableClock
from tests.web_client import Browser

SAVED = re.compile(r'role="status">Gespeichert: (\d+) Antworten? in Handlungsfeld 1\.<')
REFUSED = "Es wurde nichts gespeichert"


async def begun(channel: WebChannel) -> Browser:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    return browser


async def send(browser: Browser, field: str, **choices: str) -> httpx.Response:
    """The field page's form as a browser sends it: token, run and the chosen radios."""
    page = await browser.get(f"/feld/{field}")
    assert page.status_code == 200, page.text
    run = re.search(r'name="run" value="(\d+)"', page.text)
    assert run
    data = {"csrf": browser.csrf(), "run": run[1],
            **{f"s-{statement}": choice for statement, choice in choices.items()}}
    return await browser.http.post(f"/feld/{field}", data=data)


def stored(channel: WebChannel) -> dict[str, tuple[str, str]]:
    """The answers as another connection sees them: only what is committed."""
    with sqlite3.connect(channel.storage.database.path) as other:
        rows = other.execute("SELECT statement_id, choice, answered_at FROM answers").fetchall()
    return {statement: (choice, at) for statement, choice, at in rows}


async def test_a_partly_filled_page_keeps_what_was_chosen_committed_before_it_says_so(
        channel: WebChannel) -> None:
    browser = await begun(channel)
    page = await browser.get("/feld/eins")
    assert "<legend>" in page.text and page.text.count('type="radio"') == 3 * 5
    response = await send(browser, "eins", **{"eins-01": "A", "eins-03": "C"})
    assert response.status_code == 303 and response.headers["location"] == "/feld/eins"
    assert {k: v[0] for k, v in stored(channel).items()} == {"eins-01": "A", "eins-03": "C"}
    page = await browser.get("/feld/eins")
    saved = SAVED.search(page.text)
    assert saved and saved[1] == "2"
    assert re.search(r'name="s-eins-01" value="A" checked', page.text)
    assert re.search(r'name="s-eins-03" value="C" checked', page.text)
    assert "checked" not in re.sub(r"s-eins-0[13]\" value=\"[A-E]\" checked", "", page.text)
    again = await browser.get("/feld/eins")
    assert not SAVED.search(again.text)  # said once, where it belongs
    # the single statements go on with the one left open
    home = await browser.get()
    assert "Aussage 1.2 · Feld 1 von 3 · gesamt 2/7" in home.text


async def test_sending_the_same_page_again_changes_nothing(channel: WebChannel,
                                                           clock: SettableClock) -> None:
    browser = await begun(channel)
    await send(browser, "eins", **{"eins-01": "B", "eins-02": "D"})
    first = stored(channel)
    clock.advance(timedelta(minutes=5))
    response = await send(browser, "eins", **{"eins-01": "B", "eins-02": "D"})
    assert response.status_code == 303
    assert stored(channel) == first  # not even the time of the answers moved
    # changing one answer on the page changes just that one
    clock.advance(timedelta(minutes=5))
    await send(browser, "eins", **{"eins-01": "B", "eins-02": "A"})
    now = stored(channel)
    assert now["eins-01"] == first["eins-01"] and now["eins-02"][0] == "A"
    assert now["eins-02"][1] != first["eins-02"][1]


@pytest.mark.parametrize("forged", [
    {"eins-01": "A", "eins-02": "Z"},  # no such choice
    {"eins-01": "A", "zwei-01": "B"},  # a statement of another field
    {"eins-01": "A", "gibt-es-nicht": "B"},  # no such statement
    {"eins-01": "AB"},  # longer than a choice
])
async def test_a_forged_value_refuses_the_whole_page_politely(
        channel: WebChannel, forged: dict[str, str]) -> None:
    browser = await begun(channel)
    response = await send(browser, "eins", **forged)
    assert response.status_code == 400
    assert REFUSED in response.text or "nicht verarbeitet" in response.text
    assert stored(channel) == {}


async def test_a_statement_twice_on_one_page_is_refused(channel: WebChannel) -> None:
    browser = await begun(channel)
    page = await browser.get("/feld/eins")
    run = re.search(r'name="run" value="(\d+)"', page.text)
    assert run
    response = await browser.http.post("/feld/eins", content=(
        f"csrf={browser.csrf()}&run={run[1]}&s-eins-01=A&s-eins-01=B").encode(),
        headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and REFUSED in response.text
    assert stored(channel) == {}


async def test_somebody_elses_run_and_a_page_without_token_store_nothing(
        channel: WebChannel) -> None:
    anna, ben = await begun(channel), await begun(channel)
    page = await anna.get("/feld/eins")
    run = re.search(r'name="run" value="(\d+)"', page.text)
    assert run
    await ben.get("/feld/eins")
    response = await ben.http.post("/feld/eins", data={"csrf": ben.csrf(), "run": run[1],
                                                       "s-eins-01": "A"})
    # refused like a forged button, on Ben's own page of the field
    assert response.status_code == 400 and "nicht (mehr) gültig" in response.text
    response = await anna.http.post("/feld/eins", data={"run": run[1], "s-eins-01": "A"})
    assert response.status_code == 403
    assert stored(channel) == {}
    # a field that is not part of the run has no page
    assert (await anna.get("/feld/gibt-es-nicht")).status_code == 404


async def test_an_answer_that_cannot_be_written_undoes_the_whole_page(
        channel: WebChannel) -> None:
    browser = await begun(channel)
    await channel.storage.database.connection.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON answers WHEN NEW.statement_id = 'eins-03'"
        " BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.Error):
        await channel.port.act(
            (await channel.storage.web_sessions.person_of(browser.http.cookies["selbstcheck"]))
            or 0, channel.port.field_answers(
                1, "eins", (("eins-01", "A"), ("eins-02", "B"), ("eins-03", "C"))))
    assert stored(channel) == {}  # the first two were not kept without the third


async def test_pages_that_answer_the_last_statements_finish_the_run_once(
        channel: WebChannel) -> None:
    browser = await begun(channel)
    await send(browser, "eins", **{"eins-01": "A", "eins-02": "A", "eins-03": "A"})
    await send(browser, "zwei", **{"zwei-01": "B", "zwei-02": "B"})
    response = await send(browser, "drei", **{"drei-01": "C", "drei-02": "C"})
    assert response.status_code == 303 and response.headers["location"] == "/ergebnis/1"
    result = await browser.settled("/ergebnis/1")
    assert "Sie haben alle Aussagen beantwortet" in result.text
    runs = await channel.storage.database.rows("SELECT status FROM runs")
    assert [row[0] for row in runs] == ["finished"]
    # the same page once more: the run is closed, nothing changes
    before = stored(channel)
    response = await browser.http.post("/feld/drei", data={
        "csrf": browser.csrf(), "run": "1", "s-drei-01": "A"})
    assert response.status_code == 303 and stored(channel) == before
    assert "bereits beendet" in (await browser.get(response.headers["location"])).text
    assert (await browser.get("/feld/drei")).status_code == 404


async def test_the_flow_checks_every_value_whatever_channel_sent_it(
        channel: WebChannel) -> None:
    browser = await begun(channel)
    person = await channel.storage.web_sessions.person_of(browser.http.cookies["selbstcheck"])
    assert person is not None
    flows = channel.port.flows
    refused = await flows.act(person, AnswerField(1, "eins", (("eins-01", "F"),)))
    assert refused.alert and REFUSED in (refused.notice or "")
    empty = await flows.act(person, AnswerField(1, "eins", ()))
    assert not empty.alert and "nichts gespeichert" in (empty.notice or "")
    saved = await flows.act(person, AnswerField(1, "eins", (("eins-02", "E"),)))
    assert saved.notice == "Gespeichert: 1 Antwort in Handlungsfeld 1."
    assert {k: v[0] for k, v in stored(channel).items()} == {"eins-02": "E"}
