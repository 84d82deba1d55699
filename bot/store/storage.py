"""The one object the flows receive: every query module over one shared connection.

The composition root opens a :class:`Storage`; a flow reaches its queries by
what they serve – ``storage.runs``, ``storage.workshops`` (with its ``storage.releases``,
``storage.steps``, the paper sheets in ``storage.paper`` and the wall's slide in
``storage.projector``), ``storage.people``, the
browser's sessions by ``storage.web_sessions`` – and the heartbeat by ``storage.health``.
The pieces live in their own modules: :mod:`bot.store.connection` (connection, transactions, group
commit), :mod:`bot.store.schema` (migrations) and :mod:`bot.store.operations`
(heartbeat, backup, start-up guards).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from bot.domain.clock import Clock
from bot.store import schema
from bot.store.connection import Database
from bot.store.operations import Health
from bot.store.paper import PaperSheets
from bot.store.people import People
from bot.store.projector import ProjectorSlides
from bot.store.references import References
from bot.store.releases import Releases
from bot.store.runs import Runs
from bot.store.steps import Steps
from bot.store.web_sessions import WebSessions
from bot.store.workshops import Workshops


class Storage:
    """Create it with :meth:`open`; close it once at shutdown."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # The flows compare stored moments with the time of day: from the same clock.
        self.clock = database.clock
        self.runs = Runs(database)
        self.workshops = Workshops(database)
        self.web_sessions = WebSessions(database)
        self.people = People(database, changed=self.web_sessions.forget_known)
        self.releases = Releases(database)
        self.steps = Steps(database)
        self.paper = PaperSheets(database)
        self.references = References(database)
        self.health = Health(database)
        self.projector = ProjectorSlides(database)

    @classmethod
    async def open(cls, path: str | Path, clock: Clock) -> Storage:
        """The database at ``path``; every moment it stamps comes from ``clock``."""
        return cls(await Database.open(path, clock))

    async def close(self) -> None:
        await self.database.close()

    def unit_of_work(self) -> contextlib.AbstractAsyncContextManager[None]:
        """One use case's writes, committed together or not at all (see
        :meth:`~bot.store.connection.Database.unit_of_work`)."""
        return self.database.unit_of_work()

    async def schema_version(self) -> int:
        return await schema.schema_version(self.database.connection)
