"""Fixtures the flow stories share."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Settings, Web
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import WebChannel
from tests.clock import SettableClock
from tests.conftest import ExactReleases
from tests.web_client import opened_channel


@pytest.fixture
def nothing_went_wrong(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever arrives, the error handler is never needed: no ERROR, no traceback.

    Read after the test, so from the records of its call: ``caplog.records`` would
    hold only this teardown's own.
    """
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
async def channel(tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
                  clock: SettableClock) -> AsyncIterator[WebChannel]:
    """The browser channel on its own database with the small questionnaire."""
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web(),
                        release_noise=ExactReleases())
    async with opened_channel(settings, small_questionnaire, renderer, clock=clock) as channel:
        yield channel
