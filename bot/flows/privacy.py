"""What the bot stores about a person, for how long, and how it is deleted (DSGVO).

The bot keeps only what the self-check needs: the numeric Telegram user id,
when the person first and last used the bot, their runs and their answers,
the municipality's name for their report, and their part in workshops (the
perspective they chose, the workshops they set up or co-coordinate). No
names, user names or message texts. Everything hangs off the ``users`` row
with ``ON DELETE CASCADE``, so deleting that row deletes a person completely,
including their answers in every workshop aggregate (aggregates are computed
from stored answers, never stored) and the workshops they created, with the
runs in them.

Like :mod:`bot.flows.selfcheck`, this is plain Python returning an
:class:`~bot.flows.outcome.Outcome`, free of any channel.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.disclosure import DEFAULT_MIN_GROUP
from bot.flows.actions import Erase, KeepData
from bot.flows.outcome import Button, Confirmation, Outcome, Reply
from bot.output.render import Renderer
from bot.store.storage import Storage

# A "Ja, löschen" button older than this asks again instead of deleting: a
# deletion should follow from a decision taken just now, not from a tap on an
# old message found while scrolling.
CONFIRMATION_SECONDS = 15 * 60
_CLOCK_SKEW_SECONDS = 60


class Privacy:
    """/datenschutz, /loeschen and the retention period."""

    def __init__(self, storage: Storage, renderer: Renderer, retention_days: int, *,
                 minimum: int = DEFAULT_MIN_GROUP) -> None:
        self.storage = storage
        self.minimum = minimum
        self.render = renderer
        self.retention_days = retention_days

    def statement(self) -> Outcome:
        """/datenschutz: what is stored, why, and for how long."""
        parts = self.render.html_parts("privacy.html.j2", retention_days=self.retention_days,
                                       minimum=self.minimum)
        return Outcome(send=tuple(Reply(part) for part in parts))

    async def erase_request(self, user_id: int) -> Outcome:
        """/loeschen: ask before deleting anything (arguments to the command change nothing)."""
        if not await self.storage.people.has_user(user_id):
            return Outcome(send=(Reply(self.render.html("privacy_nothing_stored.html.j2")),))
        confirmation = Confirmation(
            Button(self.render.text("privacy.button_delete"), Erase(self._seconds())),
            Button(self.render.text("privacy.button_keep"), KeepData()))
        # Deleting a person deletes the workshops they created, with everybody's
        # answers in them: say so before, by name.
        created = [w for w in await self.storage.workshops.coordinated_by(user_id) if w.created_by == user_id]
        question = self.render.html(
            "privacy_confirm.html.j2", minutes=CONFIRMATION_SECONDS // 60, workshops=created,
            participating=await self.storage.workshops.takes_part(user_id))
        return Outcome(send=(Reply(question, confirmation.keyboard, asks=confirmation),))

    async def keep(self, user_id: int) -> Outcome:
        """"Nein, behalten": nothing changes; the note names the person's next step."""
        if await self.storage.runs.active_runs(user_id):
            step = "open"
        elif await self.storage.runs.finished_runs(user_id):
            step = "finished"
        else:
            step = "none"
        return Outcome(edit=Reply(self.render.html("privacy_kept.html.j2", step=step)))

    async def erase(self, user_id: int, issued_at: int) -> Outcome:
        """"Ja, löschen", asked at ``issued_at``: delete everything, or ask again if that was long ago."""
        age = self._seconds() - issued_at
        if not -_CLOCK_SKEW_SECONDS <= age <= CONFIRMATION_SECONDS:
            return Outcome(notice=self.render.text("privacy.expired"), alert=True,
                           clear_keyboard=True)
        await self.storage.people.delete(user_id)
        # Also when nothing was left (a double tap): the result is the same.
        return Outcome(edit=Reply(self.render.html("privacy_deleted.html.j2")))

    def _seconds(self) -> int:
        """The time in whole seconds, as a confirmation button carries it."""
        return int(self.storage.clock.now().timestamp())

    async def touch(self, user_id: int) -> None:
        """Keep an active person's data from expiring."""
        await self.storage.people.touch(user_id)

    async def delete_expired(self) -> int:
        """Delete everyone inactive for longer than the retention period; 0 keeps everything."""
        if not self.retention_days:
            return 0
        return await self.storage.people.delete_inactive(timedelta(days=self.retention_days))
