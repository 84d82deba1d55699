"""The projector's addresses: a URL per slide for the wall, its step forms and the phone's remote.

Each slide has its own address, so the wall works without JavaScript (its
„Zurück“/„Weiter“ are forms); with JavaScript the keys a presenter's clicker
sends step through the same forms, and the wall follows steps made on the
coordinator's phone. A step is a POST with the session's CSRF token that
stores the slide with the workshop (:mod:`bot.store.projector`) and redirects
to what shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.domain.entities import Workshop
from bot.domain.spoken import speak, spoken
from bot.output.qr import qr_png
from bot.web.people import Person
from bot.web.projector import JOIN, REFRESH_SECONDS, Projection, Slide
from bot.web.security import csrf_token, csrf_valid

if TYPE_CHECKING:
    from bot.web.app import WebChannel

DIRECTIONS = {"weiter": 1, "zurueck": -1}  # the forms' „Weiter“ and „Zurück“


class ProjectorPages:
    def __init__(self, channel: WebChannel) -> None:
        self.channel = channel
        self.projector = channel.projector

    def address(self, projection: Projection, slide: Slide | str) -> str:
        key = slide.key if isinstance(slide, Slide) else slide
        return f"{self.channel.web_base}/projektor/{projection.workshop.id}/{key}"

    async def _projected(self, request: Request) -> tuple[Person | None, Workshop | None]:
        """The asking coordinator and their workshop; ``None`` for anybody else."""
        person = await self.channel._known(request)
        if person is None:
            return None, None
        return person, await self.projector.workshop_for(person.id,
                                                         request.path_params["workshop"])

    async def opened(self, request: Request) -> Response:
        """The projector's own address opens the slide the coordinator stepped to last."""
        person, workshop = await self._projected(request)
        if workshop is None:
            return self.channel.error("not_found", 404, person)
        projection = await self.projector.projection(workshop)
        return RedirectResponse(self.address(projection, projection.current), status_code=303)

    async def slide(self, request: Request) -> Response:
        """One slide, on the wall's own page (no menu, nothing personal)."""
        person, workshop = await self._projected(request)
        if workshop is None or person is None:
            return self.channel.error("not_found", 404, person)
        projection = await self.projector.projection(workshop)
        key = request.path_params.get("slide", JOIN)
        if "number" in request.path_params:  # "thema/2", "schritte/2"
            key = f"{key}/{request.path_params['number']}"
        slide = projection.slide(key)
        if slide is None:
            return self.channel.error("not_found", 404, person)
        await self._speak_to_the_room(workshop)
        html = self.channel.pages.render(
            "projector.html.j2", csrf=csrf_token(person.token), p=projection, slide=slide,
            stored=self.address(projection, projection.current), labels=self.projector.labels,
            scale=self.projector.questionnaire.scale, refresh=REFRESH_SECONDS,
            minimum=self.projector.minimum, short_link=_short(projection.link))
        return HTMLResponse(html)

    async def step(self, request: Request) -> Response:
        """The wall's „Zurück“/„Weiter“ (or a clicker's key): the next slide, stored and shown."""
        stepped = await self._stepped(request)
        if isinstance(stepped, Response):
            return stepped
        projection, slide = stepped
        return RedirectResponse(self.address(projection, slide), status_code=303)

    async def remote(self, request: Request) -> Response:
        """The coordinator's phone: which slide the wall shows, and buttons to move it."""
        person, workshop = await self._projected(request)
        if workshop is None or person is None:
            return self.channel.error("not_found", 404, person)
        projection = await self.projector.projection(workshop)
        room = await self.channel.storage.projector.language(workshop.id)
        return self.channel._page("projector_remote.html.j2", person, p=projection,
                                  slide=projection.slide(projection.current),
                                  wall=self.address(projection, projection.current),
                                  room=room or spoken())

    async def room_language(self, request: Request) -> Response:
        """The coordinator's pick of the language the wall speaks to the room."""
        checked = await self._coordinators_form(request)
        if isinstance(checked, Response):
            return checked
        person, workshop, form = checked
        tag = str(form.get("sprache"))
        if not self.channel.languages.offers(tag):
            return self.channel.error("bad_request", 400, person)
        projection = await self.projector.projection(workshop)
        await self.channel.storage.projector.speak(workshop.id, tag, projection.current)
        return RedirectResponse(
            f"{self.channel.web_base}/projektor/{workshop.id}/fernbedienung", status_code=303)

    async def _coordinators_form(self, request: Request
                                 ) -> tuple[Person, Workshop, FormData] | Response:
        """A form of the wall's or the remote's, from a coordinator of the workshop (CSRF checked)."""
        form = await self.channel._form(request)
        if isinstance(form, Response):
            return form
        person, workshop = await self._projected(request)
        if person is None or not csrf_valid(person.token, form.get("csrf")):
            return self.channel.error("csrf", 403, person)
        if workshop is None:
            return self.channel.error("not_found", 404, person)
        return person, workshop, form

    async def _speak_to_the_room(self, workshop: Workshop) -> None:
        """The wall speaks the language picked for the room (until one is: its opener's)."""
        tag = await self.channel.storage.projector.language(workshop.id)
        if tag is not None and self.channel.languages.offers(tag):
            speak(tag)

    async def remote_step(self, request: Request) -> Response:
        stepped = await self._stepped(request)
        if isinstance(stepped, Response):
            return stepped
        projection, _ = stepped
        return RedirectResponse(
            f"{self.channel.web_base}/projektor/{projection.workshop.id}/fernbedienung",
            status_code=303)

    async def _stepped(self, request: Request) -> tuple[Projection, Slide] | Response:
        """A step's form checked (session, CSRF, coordinator, direction) and carried out.

        It steps from the slide the form was on (``von``), or else from the stored one.
        """
        checked = await self._coordinators_form(request)
        if isinstance(checked, Response):
            return checked
        person, workshop, form = checked
        direction = DIRECTIONS.get(str(form.get("schritt")))
        if direction is None:
            return self.channel.error("bad_request", 400, person)
        projection = await self.projector.projection(workshop)
        origin = form.get("von")
        start = origin if isinstance(origin, str) and projection.slide(origin) else projection.current
        return projection, await self.projector.show(projection, start, direction)

    async def qr(self, request: Request) -> Response:
        _, workshop = await self._projected(request)
        if workshop is None:
            return self.channel.error("not_found", 404)
        return Response(qr_png(self.projector.link(workshop)), media_type="image/png")

    async def chart(self, request: Request) -> Response:
        _, workshop = await self._projected(request)
        if workshop is not None:
            await self._speak_to_the_room(workshop)
        png = await self.projector.chart(workshop) if workshop is not None else None
        if png is None:
            return self.channel.error("not_found", 404)
        return Response(png, media_type="image/png")


def _short(link: str) -> str:
    """The address as the room types it: without ``https://``, which every browser adds."""
    return link.split("://", 1)[-1]


def projector_routes(channel: WebChannel) -> list[BaseRoute]:
    pages = ProjectorPages(channel)
    base = "/projektor/{workshop:int}"
    return [
        Route(base, pages.opened, methods=["GET"]),
        Route(f"{base}/qr.png", pages.qr, methods=["GET"]),
        Route(f"{base}/vergleich.png", pages.chart, methods=["GET"]),
        Route(f"{base}/folie", pages.step, methods=["POST"]),
        Route(f"{base}/fernbedienung", pages.remote, methods=["GET"]),
        Route(f"{base}/fernbedienung", pages.remote_step, methods=["POST"]),
        Route(f"{base}/sprache", pages.room_language, methods=["POST"]),
        Route(f"{base}/{{slide}}/{{number:int}}", pages.slide, methods=["GET"]),
        Route(f"{base}/{{slide}}", pages.slide, methods=["GET"]),
    ]
