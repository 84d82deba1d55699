"""One invitation for everybody, and a coordinator who learns when nobody in the room can open it."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import app
from bot.app import open_services, web_channel
from bot.config import Settings, address_warning, settings_from_env
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import WebChannel
from tests.web_client import Browser

PUBLIC = "https://selbstcheck.example.org"


async def channel_for(tmp_path: Path, questionnaire: Questionnaire, renderer: Renderer,
                      environ: dict[str, str], bot_username: str | None) -> WebChannel:
    settings = settings_from_env({"SELBSTCHECK_DB": str(tmp_path / "web.db"), **environ})
    services = await open_services(settings, questionnaire, renderer, bot_username)
    return web_channel(services)


@pytest.fixture
async def channels(tmp_path: Path) -> AsyncIterator[list[WebChannel]]:
    opened: list[WebChannel] = []
    yield opened
    for channel in opened:
        await channel.storage.close()


async def set_up_workshop(channel: WebChannel) -> str:
    coordinator = Browser(channel)
    await coordinator.get()
    await coordinator.post(command="workshop")
    await coordinator.get()
    await coordinator.post(text="Musterstadt")
    await coordinator.get()
    return (await coordinator.press("Workshop anlegen")).text


@pytest.mark.parametrize("bot_username", [None, "selbstcheck_test_bot"], ids=["browser", "both"])
async def test_the_invitation_carries_the_browser_address_and_telegram_where_the_bot_runs(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
        channels: list[WebChannel], bot_username: str | None) -> None:
    channel = await channel_for(tmp_path, small_questionnaire, renderer,
                                {"SELBSTCHECK_PUBLIC_URL": PUBLIC}, bot_username)
    channels.append(channel)
    page = await set_up_workshop(channel)
    address = re.search(rf"{re.escape(PUBLIC)}/w/([A-Za-z0-9_-]{{22}})", page)
    assert address, page
    assert "ohne Anmeldung und ohne App" in page
    telegram = f"https://t.me/selbstcheck_test_bot?start=w_{address[1]}"
    assert (telegram in page) == (bot_username is not None)
    # a public address: no warning for the coordinator
    assert "Einladungen zeigen auf diesen Rechner" not in page


async def test_a_coordinator_in_the_browser_is_told_when_links_point_at_this_machine(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
        channels: list[WebChannel]) -> None:
    channel = await channel_for(tmp_path, small_questionnaire, renderer,
                                {"SELBSTCHECK_LISTEN": "0.0.0.0"}, None)
    channels.append(channel)
    page = await set_up_workshop(channel)
    assert "Einladungen zeigen auf diesen Rechner" in page
    assert "SELBSTCHECK_PUBLIC_URL" in page and "http://127.0.0.1:8080/w/" in page


@pytest.mark.parametrize(("environ", "warned"), [
    ({}, True), ({"SELBSTCHECK_LISTEN": "0.0.0.0"}, True),
    ({"SELBSTCHECK_PUBLIC_URL": "http://localhost:8080"}, True),
    ({"SELBSTCHECK_PUBLIC_URL": PUBLIC}, False),
    ({"SELBSTCHECK_LISTEN": "0.0.0.0", "SELBSTCHECK_PUBLIC_URL": "http://192.168.1.20:8080"},
     False),
])
def test_start_up_says_in_one_line_when_links_would_point_at_this_machine(
        caplog: pytest.LogCaptureFixture, renderer: Renderer, environ: dict[str, str],
        warned: bool) -> None:
    settings: Settings = settings_from_env(environ)
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        app._announce(settings, renderer)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == ([address_warning(settings.web)] if warned else [])
    if warned:
        assert "SELBSTCHECK_PUBLIC_URL" in lines[0] and "SELBSTCHECK_LISTEN=0.0.0.0" in lines[0]
        assert "\n" not in lines[0]
