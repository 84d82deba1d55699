"""The field page (``/feld/<field>``): every statement of one field as radio groups.

For people who know the questionnaire: they answer a whole field on one page
instead of tapping through it. The page only decodes its form into
(statement, choice) pairs; the flows check and store them
(:class:`bot.flows.field_sheet.FieldSheets`), so nothing is confirmed before it
is committed. What was saved is said once, on the page the POST redirects to.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.flows.field_sheet import FieldSheet
from bot.web.addresses import url_of
from bot.web.people import Person

if TYPE_CHECKING:
    from bot.web.app import WebChannel

FIELD_PREFIX = "s-"  # a radio group's name: the prefix and the statement's id
MAX_FIELDS = 64  # the token, the run and a field's statements (at most about 20)
MAX_ID = 64
SAVED_KEPT = 5_000  # confirmations waiting for their page, the oldest go first


class FieldPages:
    def __init__(self, channel: WebChannel) -> None:
        self.channel = channel
        self._saved: OrderedDict[int, str] = OrderedDict()  # person -> what was just saved

    def routes(self) -> list[Route]:
        return [Route("/feld/{field_id}", self.show, methods=["GET"]),
                Route("/feld/{field_id}", self.save, methods=["POST"])]

    async def show(self, request: Request) -> Response:
        channel = self.channel
        person = await channel._known(request)
        field_id = request.path_params["field_id"]
        sheet = (await channel.port.field_sheet(person.id, field_id)
                 if person is not None and len(field_id) <= MAX_ID else None)
        if person is None or sheet is None:
            return channel.error("no_field", 404, person)
        return await self._sheet_page(person, sheet, self._saved.pop(person.id, None))

    async def save(self, request: Request) -> Response:
        channel = self.channel
        own = await channel._own_form(request, MAX_FIELDS)
        if isinstance(own, Response):
            return own
        session, form = own
        run, field_id = form.get("run"), request.path_params["field_id"]
        choices = tuple((name.removeprefix(FIELD_PREFIX), value)
                        for name, value in form.multi_items()
                        if name.startswith(FIELD_PREFIX) and isinstance(value, str))
        person = session if isinstance(session, Person) else None
        if (person is None or not isinstance(run, str) or not run.isdigit() or len(run) > 12
                or len(field_id) > MAX_ID
                or any(len(sid) > MAX_ID or len(choice) > 1 for sid, choice in choices)):
            return channel.error("bad_request", 400, session)
        await channel.port.note_activity(person.id)
        action = channel.port.field_answers(int(run), field_id, choices)
        outcome = await channel.port.act(person.id, action)
        if outcome.alert:  # refused as a whole: the page again, with what is stored
            sheet = await channel.port.field_sheet(person.id, field_id)
            if sheet is not None:
                return await self._sheet_page(person, sheet, outcome.notice, status=400,
                                              alert=True)
        elif outcome.later is None:  # saved, more to answer: this page again, saying so
            if outcome.notice is not None:
                self._remember(person.id, outcome.notice)
            return RedirectResponse(f"{channel.web_base}/feld/{field_id}", status_code=303)
        # The run is done (its result), or gone: shown once where it belongs, as after a tap.
        view, place = await channel._shown(action, outcome)
        view.path = url_of(place)
        channel.kept.put(person.id, view)
        return RedirectResponse(channel.url(place), status_code=303)

    async def _sheet_page(self, person: Person, sheet: FieldSheet, notice: str | None,
                          status: int = 200, alert: bool = False) -> Response:
        channel = self.channel
        header = await channel.headers.for_page(person.id)
        return channel._page("field.html.j2", person, status, header=header, sheet=sheet,
                             notice=notice, alert=alert)

    def _remember(self, person: int, notice: str) -> None:
        self._saved.pop(person, None)
        self._saved[person] = notice
        while len(self._saved) > SAVED_KEPT:
            self._saved.popitem(last=False)
