"""Coming back on another device: the resume code beside the continue link.

A page that marks a point to stop (the pause, the end of a field) and the
„Fortsetzen“ page show the session's code (:mod:`bot.domain.resume_code`)
with its link. Typed into the form on the welcome or the „Fortsetzen“ page,
the code moves its person to this browser exactly as the link does: the
other browser and the old link and code stop working, and a browser that
holds somebody else who stored something asks first.

Guessing a code is slowed by a throttle of its own, stricter than the links'
(80 bits instead of 192): a few wrong codes per session, a room's worth of
typing errors per address, and a ceiling for all addresses together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.domain.resume_code import code_for, shown, typed
from bot.web.people import Person, Session
from bot.web.security import Guesser, Throttle, session_key

if TYPE_CHECKING:  # the channel holds this part of it
    from bot.web.app import WebChannel

MAX_TYPED = 64  # longer than any code with separators; a longer field is no code
# Wrong codes: per session within the window, per address (a room typing), in all.
SESSION_ATTEMPTS = 5
ADDRESS_ATTEMPTS = 30
TOTAL_ATTEMPTS = 300
WINDOW_SECONDS = 600.0


def code_throttle() -> Throttle:
    return Throttle(attempts=SESSION_ATTEMPTS, address_attempts=ADDRESS_ATTEMPTS,
                    window=WINDOW_SECONDS, total_attempts=TOTAL_ATTEMPTS)


@dataclass(frozen=True)
class WayBack:
    """How a person comes back: their continue link and their code, as a page shows them."""

    link: str
    code: str


class ResumeCodes:
    """The part of the browser channel (:class:`bot.web.app.WebChannel`) that knows codes."""

    def __init__(self, channel: WebChannel, throttle: Throttle | None = None) -> None:
        self.channel = channel
        self.throttle = throttle or code_throttle()

    def way_back(self, person: Person) -> WayBack:
        """The link and code to show (a session from before codes has its code stored at its
        first request since, see :meth:`bot.web.app.WebChannel._session`)."""
        return WayBack(self.channel.continue_link(person), shown(code_for(person.token)))

    async def entered(self, request: Request) -> Response:
        """The form with a typed code: move its person here, or say next to the field why not."""
        channel = self.channel
        own = await channel._own_form(request)
        if isinstance(own, Response):
            return own
        session, form = own
        entry = form.get("code")
        entry = entry if isinstance(entry, str) else ""
        guesser = Guesser(channel._client(request), session_key(session.token))
        if self.throttle.refuses(guesser):
            return await self.page(session, entry, "too_many", 429)
        code = typed(entry) if len(entry) <= MAX_TYPED else None
        if code is None:
            return await self.page(session, entry, "malformed" if entry.strip() else "empty", 400)
        found = await channel.storage.web_sessions.person_by_code(code)
        if found is None:
            self.throttle.failed(guesser)
            return await self.page(session, entry, "unknown", 400)
        if form.get("confirmed") is None:
            asked = await channel._switch_question(session, found, "/fortsetzen", shown(code))
            if asked is not None:
                return asked
        return await channel._move(request, found)

    async def page(self, session: Session, entry: str = "", error: str | None = None,
                   status: int = 200) -> Response:
        """The „Fortsetzen“ page: this browser's code and link, and the form for another's."""
        way_back = self.way_back(session) if isinstance(session, Person) else None
        message = self.channel.pages.text(f"web.resume.{error}") if error else None
        return self.channel._page("continue.html.j2", session, status, way_back=way_back,
                                  entry=entry, code_error=message,
                                  header=await self.channel._header(session))
