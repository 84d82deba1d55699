"""Each channel its own words: the renderer picks them for the task it renders in."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from bot.domain.entities import Workshop
from bot.output.render import Renderer, TemplateSetupError, speak_browser
from bot.resources import REPORTS_DIR


def test_a_text_and_a_command_in_each_channels_words(renderer: Renderer) -> None:
    assert "/weiter" in renderer.text("notice.error")
    assert (renderer.command("start"), renderer.command("loeschen")) == ("/start", "/loeschen")
    with speak_browser():
        assert "„Weiter“" in renderer.text("notice.error")
        assert "/weiter" not in renderer.text("notice.error")
        assert (renderer.command("start"), renderer.command("loeschen")) == (
            "„Weiter“", "„Daten löschen“")
        # a text without a browser variant is the same in both
        assert renderer.text("button.pause") == "⏸ Pause"
    assert "/weiter" in renderer.text("notice.error")  # and only while it lasts


async def test_the_browser_words_stay_with_their_task(renderer: Renderer) -> None:
    async def welcome() -> str:
        await asyncio.sleep(0)
        return renderer.html("cancelled.html.j2")

    with speak_browser():
        browser = asyncio.create_task(welcome())  # a task started here keeps the words
    telegram = asyncio.create_task(welcome())
    assert "„Weiter“" in await browser and "/start" in await telegram


def test_texts_sent_to_many_at_once_name_no_channel(renderer: Renderer) -> None:
    """A reminder goes to participants in both channels with one text."""
    workshop = Workshop(id=1, token="t" * 22, coordinator_token=None, municipality="Musterstadt",
                        field_ids=None, status="open", revision=0, created_by=1,
                        created_at="2026-12-07T10:00:00+00:00", closed_at=None)
    for template in ("workshop_reminder.html.j2", "workshop_deleted_notice.html.j2"):
        telegram = renderer.html(template, workshop=workshop)
        with speak_browser():
            assert renderer.html(template, workshop=workshop) == telegram
        assert "Telegram" not in telegram and not re.search(r"(?<![<\w])/[a-z]", telegram)


def test_a_browser_variant_needs_a_text_it_replaces(tmp_path: Path) -> None:
    shutil.copytree(REPORTS_DIR, tmp_path / "reports")
    with (tmp_path / "reports" / "texts.toml").open("a", encoding="utf-8") as texts:
        texts.write('\n[browser.notice.typo]\nerorr = "Vertippt"\n')
    with pytest.raises(TemplateSetupError, match="browser.notice.typo.erorr"):
        Renderer(tmp_path / "reports")
