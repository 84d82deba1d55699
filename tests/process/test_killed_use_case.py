"""A process killed in the middle of a use case: closing a workshop, cut off by SIGKILL after
it has settled, closed and stored the final release but before it committed, left nothing
of it in the database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

from tests.conftest import BotHarness
from tests.stories import latest_link, query, run_workshop, take_part

ROOT = Path(__file__).resolve().parents[2]

# The real flows on the same database, in a process of its own; the final release is
# written, then the process says so and waits to be killed before the unit commits.
CLOSE_AND_WAIT = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    from bot.config import Settings
    from bot.domain.clock import SystemClock
    from bot.domain.questionnaire import load_questionnaire
    from bot.flows.actions import ConfirmWorkshop
    from bot.flows.dispatch import Flows
    from bot.output.render import Renderer
    from bot.store.storage import Storage

    async def main(database, questions, workshop, revision, coordinator):
        storage = await Storage.open(database, SystemClock())
        try:
            flows = Flows(storage, load_questionnaire(Path(questions)), Renderer(),
                          Settings(token=None, database=database), lambda invitation: "-")
            save = storage.releases.save

            async def save_then_wait(*args, **kwargs):
                await save(*args, **kwargs)
                print("between the last step and the commit", flush=True)
                await asyncio.sleep(600)

            storage.releases.save = save_then_wait
            await flows.act(int(coordinator),
                            ConfirmWorkshop("close", int(workshop), int(revision)))
        finally:
            await storage.close()

    asyncio.run(main(*sys.argv[1:]))
""")


async def test_a_close_killed_before_its_commit_leaves_the_workshop_as_it_was(
        bot: BotHarness, tmp_path: Path) -> None:
    chris, _ = await run_workshop(bot)
    await take_part(bot.person(201, "Lia"), latest_link(chris), "Politik", "AB")  # answering
    [(workshop, revision)] = await query(bot.database, "SELECT id, revision FROM workshops")
    runs = await query(bot.database, "SELECT id, status, finished_at FROM runs ORDER BY id")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLOSE_AND_WAIT, str(bot.database), str(tmp_path / "questions"),
        str(workshop), str(revision), str(chris.id), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 120)
        # The child holds the open transaction: closed, runs cancelled, release written.
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.returncode is None:
            child.kill()
        _, errors = await child.communicate()
    assert line.startswith(b"between"), errors.decode()  # else it failed before the step
    assert child.returncode == -signal.SIGKILL
    assert await query(bot.database, "SELECT status, revision FROM workshops") == [
        ("open", revision)]
    assert await query(bot.database,
                       "SELECT id, status, finished_at FROM runs ORDER BY id") == runs
    assert await query(bot.database, "SELECT kind FROM workshop_releases") == [("interim",)]
