"""The GET of every address of the conversation: the page shown from what is stored.

The outcome of the form that led here is shown once (kept by
:class:`bot.web.views.KeptViews`); afterwards, and for a reload, a bookmark
or the browser's Back and Forward, the page asks the flows what it shows now
(:class:`bot.flows.actions.Show`) and changes nothing. An address that names
a statement the person does not stand at yet, or where they stand (``/``),
sends them on to the address of what the flows show instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.flows.actions import Show
from bot.flows.place import Home, Place, PrivacyPage
from bot.web.addresses import PATHS, PUBLIC, Params, url_of
from bot.web.people import NOBODY, Person, Session, Visitor

if TYPE_CHECKING:
    from bot.web.app import WebChannel


class PlacePages:
    def __init__(self, channel: WebChannel) -> None:
        self.channel = channel

    def routes(self) -> list[Route]:
        routes = [Route("/", functools.partial(self.page, lambda params: Home()), methods=["GET"]),
                  Route("/datenschutz", functools.partial(self.page, lambda params: PrivacyPage()),
                        methods=["GET"])]
        routes += [Route(path, functools.partial(self.page, build), methods=["GET"])
                   for path, build in PATHS]
        return routes

    async def page(self, build: Callable[[Params], Place | None], request: Request) -> Response:
        channel = self.channel
        place = build(request.path_params)
        session, new = await channel._visiting(request)
        if place is None:
            response: Response = self._nothing(session, channel.pages.text("notice.place_unknown"))
        elif isinstance(session, Visitor):
            response = await self._for_visitor(place, session)
        else:
            response = await self._for_person(place, session)
        return channel._with_cookie(response, session) if new else response

    def _nothing(self, session: Session, message: str) -> Response:
        """The polite page of an address that shows nothing, with the way on."""
        return self.channel._page("error.html.j2", session, 404, message=message, way_on="weiter")

    async def _for_visitor(self, place: Place, session: Visitor) -> Response:
        """Nothing is stored for this browser: the pages that are the same for everybody."""
        channel = self.channel
        if not isinstance(place, PUBLIC):
            return channel.error("place_elsewhere", 404, session, way_on="fortsetzen")
        view = (await channel.welcome() if isinstance(place, Home) else
                await channel._carried_out(await channel.port.show(NOBODY, place)))
        return channel.conversation(session, view, place)

    async def _for_person(self, place: Place, person: Person) -> Response:
        channel = self.channel
        path = url_of(place)
        await channel.port.note_activity(person.id)
        kept = channel.kept.take(person.id, path)
        if kept is not None and kept.path not in (None, path):  # made at last, shown there
            return RedirectResponse(f"{channel.web_base}{kept.path}", status_code=303)
        if kept is not None and (kept.pending or kept.path == path):
            return channel.conversation(person, kept, place)
        view, shown = await channel._shown(Show(place), await channel.port.show(person.id, place))
        if not view.messages:  # nothing to show: not yet, not the person's, or no longer there
            return self._nothing(person, view.notice or channel.pages.text("notice.place_unknown"))
        if kept is not None:  # what arrived meanwhile for whichever page opens next
            view.messages.extend(kept.messages)
            view.files.update(kept.files)
        if shown != place:  # where the person stands is elsewhere: go there, say why there
            view.path = url_of(shown)
            channel.kept.put(person.id, view)
            return RedirectResponse(channel.url(shown), status_code=303)
        current = channel.kept.get(person.id)
        if kept is not None or (view.files and not (current and current.pending)):
            view.shown = True  # kept for its chart or files, not shown again
            channel.kept.put(person.id, view)
        return channel.conversation(person, view, place)
