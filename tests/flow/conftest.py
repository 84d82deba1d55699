"""Fixtures the flow stories share."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


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
