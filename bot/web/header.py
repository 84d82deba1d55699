"""A page's header: the tool's name, one primary step for where the person stands, a menu.

The step is the flows' :class:`~bot.flows.standing.Standing`. A page that is
that step already (the statement being answered, the welcome with its start
button, the result) shows no second copy of it; a statement page needs no
look-up at all, its own statement says where the run stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.progress import Position
from bot.flows.standing import Standing
from bot.web.flows_port import FlowsPort
from bot.web.forms import ShownButton
from bot.web.people import NOBODY
from bot.web.views import View


@dataclass(frozen=True)
class Header:
    primary: ShownButton | None = None
    position: Position | None = None  # the open run's place: its field page is in the menu


class Headers:
    def __init__(self, port: FlowsPort) -> None:
        self.port = port
        self._visitor: Standing | None = None

    async def for_page(self, person: int | None, view: View | None = None) -> Header:
        """The header for ``person`` (``None``: a visitor, nothing stored) on a page
        showing ``view``."""
        answering = view.answering if view is not None else None
        if answering is not None:
            return Header(position=answering)
        standing = await self._standing(person)
        here = {self.port.encoded(action) for action in standing.here}
        shown = view is not None and not here.isdisjoint(view.offered)
        step = standing.next
        primary = (None if shown or step.action is None
                   else ShownButton(step.label, self.port.encoded(step.action)))
        return Header(primary, standing.position)

    async def _standing(self, person: int | None) -> Standing:
        if person is not None:
            return await self.port.standing(person)
        if self._visitor is None:  # nobody stored: the same step for every visitor
            self._visitor = await self.port.standing(NOBODY)
        return self._visitor
