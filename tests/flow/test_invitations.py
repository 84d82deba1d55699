"""One invitation for everybody, and a coordinator who learns when nobody in the room can open it."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot import app
from bot.config import Settings, address_warning, settings_from_env
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.web_client import Browser, opened_channel

PUBLIC = "https://selbstcheck.example.org"


@pytest.mark.parametrize("with_bot", [False, True], ids=["browser", "both"])
async def test_the_invitation_carries_the_browser_address_and_telegram_where_the_bot_runs(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
        with_bot: bool) -> None:
    settings = settings_from_env({"SELBSTCHECK_DB": str(tmp_path / "web.db"),
                                  "SELBSTCHECK_PUBLIC_URL": PUBLIC})
    async with opened_channel(settings, small_questionnaire, renderer, with_bot) as channel:
        page = (await Browser(channel).set_up_workshop()).text
    address = re.search(rf"{re.escape(PUBLIC)}/w/([A-Za-z0-9_-]{{22}})", page)
    assert address, page
    assert "ohne Anmeldung und ohne App" in page
    telegram = f"https://t.me/selbstcheck_test_bot?start=w_{address[1]}"
    assert (telegram in page) == with_bot
    # a public address: no warning for the coordinator
    assert "Einladungen zeigen auf diesen Rechner" not in page


async def test_a_coordinator_in_the_browser_is_told_when_links_point_at_this_machine(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    settings = settings_from_env({"SELBSTCHECK_DB": str(tmp_path / "web.db"),
                                  "SELBSTCHECK_LISTEN": "0.0.0.0"})
    async with opened_channel(settings, small_questionnaire, renderer) as channel:
        page = (await Browser(channel).set_up_workshop()).text
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
