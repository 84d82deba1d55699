"""The browser's page for typing paper sheets in: a form per sheet, for coordinators only.

The form asks for the sheet's code, the perspective ticked on it (a radio
group) and each statement's answer (a radio group A–E per statement, numbered
as on the printed sheet). A form that misses something is shown again with
the entered values and a note beside each field in question; a complete one
goes to the flows (:meth:`bot.flows.workshop.paper.Paper.from_form`), which
store the sheet or say why not (a code entered before, say). A stored sheet
redirects to the empty form, which names the sheet just stored
(POST-redirect-GET: reloading never enters a sheet twice, and a second entry
of one code is refused anyway). Somebody who does not coordinate the workshop
gets the page an unknown workshop gets, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.domain.entities import Workshop
from bot.domain.paper import CHOICES, numbered, printed, read_code
from bot.domain.questionnaire import Field
from bot.domain.workshop import PERSPECTIVES
from bot.web.security import csrf_valid

if TYPE_CHECKING:
    from bot.web.app import WebChannel
    from bot.web.people import Person

TEMPLATE = "paper_entry.html.j2"
EXTRA_FIELDS = 8  # besides one per statement: the token, the code, the perspective


@dataclass
class Sheet:
    """What the form holds: typed and chosen values, and a problem per form field."""

    code: str = ""
    perspective: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # form field name -> letter
    problems: dict[str, str] = field(default_factory=dict)  # form field name -> text key


class PaperEntry:
    """The page's two routes, on the channel's own session, form and page helpers: the page
    passes every check any other form of the channel passes (cookie, CSRF token, size)."""

    def __init__(self, channel: WebChannel) -> None:
        self.channel = channel

    async def _workshop(self, request: Request) -> tuple[Person | None, Workshop | None]:
        person = await self.channel._known(request)
        if person is None:
            return None, None
        return person, await self.channel.projector.workshop_for(
            person.id, request.path_params["workshop"])

    def _fields(self, workshop: Workshop) -> tuple[Field, ...]:
        return self.channel.projector.questionnaire.select(workshop.field_ids)

    async def page(self, request: Request) -> Response:
        person, workshop = await self._workshop(request)
        if person is None or workshop is None:
            return self.channel.error("not_found", 404, person)
        stored = read_code(request.query_params.get("gespeichert", ""))
        notice = None
        if stored is not None and await self.channel.storage.paper.entered(workshop.id, stored):
            notice = self.channel.pages.text("workshop.paper.entered_here", code=printed(stored))
        return await self._form_page(person, workshop, Sheet(), notice=notice)

    async def _form_page(self, person: Person, workshop: Workshop, sheet: Sheet, *,
                         notice: str | None = None, alert: bool = False,
                         status: int = 200) -> Response:
        channel = self.channel
        return channel._page(TEMPLATE, person, status, workshop=workshop, sheet=sheet,
                             fields=numbered(self._fields(workshop)),
                             perspectives=PERSPECTIVES, labels=channel.projector.labels,
                             scale=channel.projector.questionnaire.scale,
                             entered=await channel.storage.paper.count(workshop.id),
                             notice=notice, alert=alert)

    async def enter(self, request: Request) -> Response:
        person, workshop = await self._workshop(request)
        if person is None or workshop is None:
            return self.channel.error("not_found", 404, person)
        statements = [s for _, numbers in numbered(self._fields(workshop)) for s in numbers]
        form = await self.channel._form(request, len(statements) + EXTRA_FIELDS)
        if isinstance(form, Response):
            return form
        if not csrf_valid(person.token, form.get("csrf")):
            return self.channel.error("csrf", 403, person)
        sheet = _sheet(form, [f"s{number}" for number, _ in statements])
        if sheet.problems:
            return await self._form_page(person, workshop, sheet, status=400,
                                         notice=self.channel.pages.text("workshop.paper.form_incomplete"),
                                         alert=True)
        await self.channel.port.note_activity(person.id)
        outcome = await self.channel.port.paper_sheet(
            person.id, workshop.id, sheet.code, sheet.perspective,
            "".join(sheet.answers[f"s{number}"] for number, _ in statements))
        if outcome.alert:
            return await self._form_page(person, workshop, sheet, notice=outcome.notice,
                                         alert=True, status=409)
        code = read_code(sheet.code) or ""
        return RedirectResponse(f"{self.channel.web_base}/papier/{workshop.id}?gespeichert={code}",
                                status_code=303)


def _sheet(form: FormData, names: list[str]) -> Sheet:
    """The form's values, and what is missing or wrong in them (a text key per field)."""
    def value(name: str) -> str:
        given = form.get(name)
        return given.strip()[:40] if isinstance(given, str) else ""

    sheet = Sheet(code=value("code"), perspective=value("perspective"))
    if read_code(sheet.code) is None:
        sheet.problems["code"] = "workshop.paper.bad_code_field" if sheet.code else "workshop.paper.no_code"
    if sheet.perspective not in PERSPECTIVES:
        sheet.problems["perspective"] = "workshop.paper.no_perspective"
        sheet.perspective = ""
    for name in names:
        letter = value(name)
        if len(letter) == 1 and letter in CHOICES:
            sheet.answers[name] = letter
        else:
            sheet.problems[name] = "workshop.paper.no_answer"
    return sheet


def paper_routes(channel: WebChannel) -> list[Route]:
    """The page's routes, for the app."""
    entry = PaperEntry(channel)
    return [Route("/papier/{workshop:int}", entry.page, methods=["GET"]),
            Route("/papier/{workshop:int}", entry.enter, methods=["POST"])]
