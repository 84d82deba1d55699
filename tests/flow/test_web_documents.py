"""The browser's frame around the flows: the operator's Impressum, a report being prepared."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Operator, Settings, Web
from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import Action
from bot.flows.outcome import Outcome
from bot.output.render import Renderer
from bot.web.app import WebChannel
from bot.web.flows_port import FlowsPort
from tests.web_client import PREPARING, Browser, opened_channel

IMPRINT = "https://www.musterstadt.example/impressum"


@pytest.fixture
async def channel(tmp_path: Path, small_questionnaire: Questionnaire) -> AsyncIterator[WebChannel]:
    operator = Operator(name="Stadt Musterstadt", imprint_url=IMPRINT)
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web(),
                        operator=operator)
    async with opened_channel(settings, small_questionnaire, Renderer(operator=operator)) as opened:
        yield opened


async def test_every_page_links_the_operators_impressum(channel: WebChannel) -> None:
    browser = Browser(channel)
    for path in ("/", "/datenschutz", "/barrierefreiheit", "/fortsetzen", "/gibt-es-nicht"):
        page = (await browser.get(path)).text
        assert f'<a href="{IMPRINT}">Impressum</a>' in page, path
        assert "Ein Angebot von Stadt Musterstadt." in page


async def test_without_an_impressum_the_footer_names_none(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web())
    async with opened_channel(settings, small_questionnaire, renderer) as channel:
        page = (await Browser(channel).get("/")).text
    assert "Impressum" not in page and "Ein Angebot von" not in page


async def test_a_report_that_takes_a_while_is_announced_and_then_offered(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    for _ in range(7):
        await browser.press("B · Trifft eher zu")
    await browser.post(command="bericht")
    await browser.settled()
    channel.patience = 0  # whatever the machine's speed: the report outlasts the patience
    sent = await browser.post(form="", text="Stadt Musterstadt")
    assert sent.status_code == 303
    page = (await browser.get(sent.headers["location"])).text
    assert PREPARING in page and 'data-refresh="2"' in page  # reloads itself with JavaScript
    assert "<title>Einen Moment bitte … – " in page
    assert '<p role="status"><b>⏳ Einen Moment bitte …</b>' in page
    assert '<a class="button" href="/">Jetzt nachsehen</a>' in page  # and without it
    ready = (await browser.settled()).text
    assert "Herunterladen: Selbstcheck-Weltoffene-Kommune-Stadt-Musterstadt" in ready


async def test_an_action_that_fails_after_the_page_was_announced_says_so(
        channel: WebChannel, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    async def broken(self: FlowsPort, person: int, action: Action | None) -> Outcome:
        await asyncio.sleep(0.05)
        raise RuntimeError("the report could not be made")

    browser = Browser(channel)
    await browser.get()
    channel.patience = 0
    monkeypatch.setattr(FlowsPort, "act", broken)
    sent = await browser.post(command="bericht")
    assert sent.headers["location"] == "/bericht"  # the report's page says it is being made
    assert PREPARING in (await browser.get(sent.headers["location"])).text
    page = (await browser.settled("/bericht")).text
    assert "Das hat leider nicht geklappt" in page and PREPARING not in page
    assert "error while carrying out a browser action" in caplog.text
