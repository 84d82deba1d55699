"""``selbstcheck-bot health`` fails when updates are not fetched, or wait and none is finished."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import main
from bot.telegram.liveness import Liveness
from tests.clock import SettableClock
from tests.conftest import BotHarness


@pytest.fixture
def clock() -> SettableClock:
    """``selbstcheck-bot health`` runs beside the bot and reads the machine's clock: so does the bot."""
    return SettableClock(datetime.now(timezone.utc))


async def test_health_fails_while_polling_is_stuck_or_updates_wait_unfinished(
        bot: BotHarness, clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def health() -> int:
        try:
            main(["health"])
        except SystemExit as exit_info:
            return int(exit_info.code or 0)
        return 0

    async def beat_job_after_an_old_beat() -> None:
        """What the running bot does every 30 s, after its last beat aged 10 minutes."""
        clock.set(datetime.now(timezone.utc) - timedelta(minutes=10))
        await storage.health.beat()
        clock.set(datetime.now(timezone.utc))
        await job.run(bot.app)

    monkeypatch.setenv("SELBSTCHECK_DB", str(bot.database))
    storage = bot.app.bot_data.services.storage
    (job,) = bot.app.job_queue.get_jobs_by_name("heartbeat")
    now = [1000.0]
    liveness = Liveness(clock=lambda: now[0])
    bot.app.bot_data.liveness = liveness  # the running bot's record, on a clock of our own

    liveness.fetch_attempted()
    liveness.fetched()
    now[0] += 30
    await beat_job_after_an_old_beat()
    assert health() == 0

    now[0] += 120  # getUpdates has not succeeded for 150 s (Telegram unreachable, a 409 …)
    with caplog.at_level(logging.WARNING):
        await beat_job_after_an_old_beat()
    assert health() == 1
    assert "no successful getUpdates" in caplog.text

    liveness.fetched()  # polling recovered
    await beat_job_after_an_old_beat()
    assert health() == 0

    liveness.update_arrived()  # an update is taken in and hangs ...
    now[0] += 60
    liveness.fetched()
    await beat_job_after_an_old_beat()
    assert health() == 0  # ... not long enough yet
    now[0] += 60
    liveness.fetched()
    await beat_job_after_an_old_beat()
    assert health() == 1
    liveness.update_done()
    await beat_job_after_an_old_beat()
    assert health() == 0


def test_a_bot_that_does_not_poll_is_judged_by_its_updates_alone() -> None:
    """Webhook mode (and the test harness) never call getUpdates."""
    now = [0.0]
    liveness = Liveness(clock=lambda: now[0])
    now[0] = 10_000
    assert liveness.stall() is None
