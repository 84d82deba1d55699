"""The browser's language: the browser's wish on the first visit, the switch on every page,
kept with the person across devices, changed mid-run without losing an answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.web.app import WebChannel
from tests.conftest import write_questionnaire
from tests.languages import write_test_language
from tests.web_client import Browser

_LINK = re.compile(r'<a href="(http://127\.0\.0\.1:8080/weiter/[^"]+)"')


@pytest.fixture
def small_questionnaire(tmp_path: Path) -> Questionnaire:
    """The small questionnaire with its (marked) English and Leichte Sprache beside it."""
    questions = write_questionnaire(tmp_path / "questions")
    write_test_language(questions, tag="en", mark=lambda text: f"(en) {text}")
    write_test_language(questions, tag="de-x-ls", mark=lambda text: f"(ls) {text}")
    return load_questionnaire(questions)


def lang_of(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', page)
    assert match, page[:200]
    return match[1]


async def test_a_visitor_reads_the_language_their_browser_asks_for(channel: WebChannel) -> None:
    visitor = Browser(channel)
    visitor.http.headers["Accept-Language"] = "fr-CH, fr;q=0.9, en-GB;q=0.8, de;q=0.5"
    page = await visitor.get()
    assert lang_of(page.text) == "en" and "Welcome to the self-check" in page.text
    # the switch names the other languages, each in its own words and marked as such
    assert re.search(r'href="/sprache/de\?zurueck=/"[^>]* lang="de"[^>]*>Deutsch<', page.text)
    assert ">Leichte Sprache<" in page.text and ">English<" not in page.text
    german = Browser(channel)
    german.http.headers["Accept-Language"] = "de-DE,de;q=0.9"
    assert lang_of((await german.get()).text) == "de"


async def test_the_switch_keeps_the_choice_with_the_person_and_loses_no_answer(
        channel: WebChannel) -> None:
    first = Browser(channel)
    await first.get()
    await first.press("Selbstcheck beginnen")
    statement = await first.press("B · Trifft eher zu")
    here = re.search(r'href="/sprache/en\?zurueck=([^"]+)"', statement.text)
    assert here, statement.text
    switched = await first.http.get(f"/sprache/en?zurueck={here[1]}")
    assert switched.status_code == 303
    page = await first.get(switched.headers["location"])
    assert lang_of(page.text) == "en" and "A · (en) Trifft zu" in page.text
    assert "(en) Es gibt ein Integrationskonzept" in page.text
    assert "overall 1/" in page.text  # the answer given in German counts
    await first.press("A · (en) Trifft zu")
    # the choice travels with the person: another browser that follows the continue link
    link = _LINK.search((await first.get("/fortsetzen")).text)
    assert link
    second = Browser(channel)
    second.http.headers["Accept-Language"] = "de"
    moved = await second.http.get(link[1].removeprefix("http://127.0.0.1:8080"))
    page = await second.get(moved.headers["location"])
    assert lang_of(page.text) == "en" and "overall 2/" in page.text
    answers = await channel.storage.runs.answers(
        (await channel.storage.runs.active_run(
            await channel.storage.web_sessions.person_of(second.http.cookies["selbstcheck"]) or 0))
        .id)  # type: ignore[union-attr]
    assert sorted(answers.values()) == ["A", "B"]


async def test_a_switch_link_goes_back_only_within_the_site(channel: WebChannel) -> None:
    visitor = Browser(channel)
    await visitor.get()
    for back in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await visitor.http.get("/sprache/de-x-ls", params={"zurueck": back})
        assert response.headers["location"] == "/", back
    assert (await visitor.http.get("/sprache/tlh")).status_code == 404
    page = await visitor.get("/")
    assert lang_of(page.text) == "de-x-ls"  # the visitor's choice, kept in a cookie
