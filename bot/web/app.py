"""The browser channel: a Starlette app showing the same flows as the Telegram bot.

Every change is a POST of one plain form (a button's encoded action, a
command of the navigation, or a form the flows asked for) carrying the session's CSRF
token; it redirects to the address of the page its outcome belongs to
(:mod:`bot.web.addresses`), where the flows' answer is shown once
(POST-redirect-GET). Opening an address again shows that page from what is
stored (:mod:`bot.web.places_pages`), so reloading never acts twice, a
bookmark shows the truth of the day, and nothing depends on JavaScript.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.config import Web
from bot.domain.spoken import SOURCE_LANGUAGE, speak, spoken
from bot.flows.actions import Action
from bot.flows.delivery import Delivery
from bot.flows.invitations import CoordinatorInvitation, InvitationLink, WorkshopInvitation, parse
from bot.flows.outcome import Broadcast, BroadcastReport, Button, Message, Outcome, Reply
from bot.flows.place import Home, Place, WorkshopPage
from bot.output.qr import qr_png
from bot.store.errors import DatabaseGone
from bot.store.storage import Storage
from bot.web.addresses import url_of
from bot.web.field_page import FieldPages
from bot.web.flows_port import NAVIGATION, FlowsPort
from bot.web.forms import sent
from bot.web.header import Header, Headers
from bot.web.language import switched, way_back
from bot.web.pages import STATIC_DIR, Pages, RequestContext
from bot.web.paper_entry import paper_routes
from bot.web.people import NOBODY, Person, Session, Visitor
from bot.web.places_pages import PlacePages
from bot.web.projector import Projector
from bot.web.projector_routes import projector_routes
from bot.web.resume import ResumeCodes
from bot.web.security import (
    BodyTooLarge,
    Guesser,
    Protections,
    Throttle,
    VisitorTokens,
    address_key,
    csrf_token,
    csrf_valid,
    session_key,
)
from bot.web.setup_form import expected_text
from bot.web.views import KeptViews, View, view_of

log = logging.getLogger(__name__)

COOKIE = "selbstcheck"
MAX_COOKIE_DAYS = 400  # browsers cap a cookie's lifetime there
MAX_FIELDS = 40  # a form's fields: the token, its name, a field's boxes
# An answer is shown at once; what takes longer (a PDF report: seconds) gets a page
# that says it is being made and refreshes until it is there.
PATIENCE_SECONDS = 1.0
PREPARING_REFRESH_SECONDS = 2
_MEDIA_TYPES = {".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8",
                ".png": "image/png",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


@dataclass
class _CarriedOut:
    """A form's action done: its page, where that belongs, and whether the person is gone."""

    view: View
    place: Place
    gone: bool  # they deleted their data: the page is shown at once, nothing kept
    remembered: bool  # shown once at its address; else the address shows what is stored




class WebChannel:
    """The routes' shared state: the flows, the database, the kept views."""

    def __init__(self, port: FlowsPort, storage: Storage, pages: Pages, web: Web,
                 retention_days: int, projector: Projector, delivery: Delivery,
                 telegram_link: InvitationLink | None = None,
                 throttle: Throttle | None = None) -> None:
        self.port = port
        self.projector = projector
        self.telegram_link = telegram_link  # where the bot runs: the invitation in Telegram
        self.delivery = delivery  # notices to people of every channel
        self._broadcasts: set[asyncio.Task[None]] = set()
        self._working: set[asyncio.Task[_CarriedOut]] = set()  # actions being carried out
        self.patience = PATIENCE_SECONDS
        self.storage = storage
        self.pages = pages
        self.web = web
        self.kept = KeptViews()
        self.headers = Headers(port)
        self.throttle = throttle or Throttle()
        self.visitors = VisitorTokens()
        self._visitor_views: dict[str, View] = {}  # the welcome, per language
        self.cookie_days = min(retention_days or MAX_COOKIE_DAYS, MAX_COOKIE_DAYS)
        self.codes = ResumeCodes(self)
        self.languages = port.flows.languages

    # --- who is asking ----------------------------------------------------------

    def _client(self, request: Request) -> str:
        return address_key(request.client.host) if request.client else "unknown"

    def _guesser(self, request: Request, session: Session | None) -> Guesser:
        return Guesser(self._client(request), session_key(session.token) if session else None)

    async def _session(self, request: Request) -> Session | None:
        """Who the cookie names: a stored person, a visitor, or nobody (a guessed one counts).

        Every route asks here, once per request, so a guessed cookie counts against its
        address everywhere; a cookie that names somebody is never refused.
        """
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        if len(token) <= 64:
            stored = await self.storage.web_sessions.session(token)
            if stored is not None:
                if not stored.coded:  # a session from before resume codes: its code, once
                    await self.storage.web_sessions.store_code(token)
                if stored.language is not None and self.languages.offers(stored.language):
                    speak(stored.language)  # the rest of this request: the person's own
                return Person(stored.person, token)
            if self.visitors.valid(token):
                return Visitor(token)
        self.throttle.failed(self._guesser(request, None))
        return None

    async def _known(self, request: Request) -> Person | None:
        session = await self._session(request)
        return session if isinstance(session, Person) else None

    async def _visiting(self, request: Request) -> tuple[Session, bool]:
        """The asking browser's session; a new visitor's (``True`` then: set the cookie)."""
        session = await self._session(request)
        if session is not None:
            return session, False
        return Visitor(self.visitors.new()), True

    async def _stored(self, request: Request, session: Session) -> Person | None:
        """The person behind the session, created at a visitor's first action that is kept.

        ``None``: this address has started a room's worth of people just now.
        """
        if isinstance(session, Person):
            return session
        address = self._client(request)
        if not self.throttle.may_create(address):
            return None
        self.throttle.created(address)
        person, token = await self.storage.web_sessions.create_person(session.token)
        if spoken() != SOURCE_LANGUAGE:  # kept, so what reaches them unasked is in it too
            await self.languages.choose(person, spoken())
        return Person(person, token)

    async def _refusal(self, request: Request, session: Session | None) -> Response | None:
        """What a request presenting a token gets instead of a look-up, if anything.

        Past its address's ceiling, a browser without a session is given one and sent
        back: the people beside a guesser keep opening their links.
        """
        if session is None and self.throttle.crowded(self._client(request)):
            await asyncio.sleep(self.throttle.pause)
            response = RedirectResponse(f"{self.web_base}{request.url.path}", status_code=303)
            return self._with_cookie(response, Visitor(self.visitors.new()))
        if self.throttle.refuses(self._guesser(request, session)):
            return self.error("too_many", 429, session)
        return None

    def _with_cookie(self, response: Response, session: Session) -> Response:
        response.set_cookie(COOKIE, session.token, max_age=self.cookie_days * 86400, path="/",
                            httponly=True, samesite="lax", secure=self.web.secure)
        return response

    # --- pages ------------------------------------------------------------------

    def continue_link(self, person: Session) -> str:
        return self.continue_link_for(person.token)

    def continue_link_for(self, token: str) -> str:
        return f"{self.web.public_url}/weiter/{token}"

    def _page(self, template: str, session: Session | None, status: int = 200,
              header: Header | None = None, **context: object) -> HTMLResponse:
        html = self.pages.render(template, csrf=csrf_token(session.token) if session else None,
                                 commands=NAVIGATION, header=header, **context)
        return HTMLResponse(html, status_code=status)

    async def _header(self, session: Session | None, view: View | None = None) -> Header:
        return await self.headers.for_page(session.id if isinstance(session, Person) else None,
                                           view)

    def error(self, key: str, status: int, session: Session | None = None,
              **context: object) -> HTMLResponse:
        """A clear German page for a request that is refused; nothing was stored."""
        return self._page("error.html.j2", session, status, None,
                          message=self.pages.text(f"web.error.{key}"), **context)

    def url(self, place: Place) -> str:
        """The address of ``place`` as a page links to it (behind a proxy's sub-path too)."""
        return f"{self.web_base}{url_of(place)}"

    def _link(self, button: Button) -> str | None:
        place = self.port.link(button)
        return self.url(place) if place is not None else None

    def _view(self, outcome: Outcome, messages: Sequence[Message]) -> View:
        return view_of(outcome, tuple(messages), self.port.value, self.port.managed_workshop,
                       self._link, self.port.expected_count)

    async def _carried_out(self, outcome: Outcome) -> View:
        return (await self._shown(None, outcome))[0]

    async def _shown(self, action: Action | None, outcome: Outcome) -> tuple[View, Place]:
        """The page of an outcome (``later`` messages included) and the place it belongs to."""
        later = await outcome.later() if outcome.later is not None else ()
        messages = (*((outcome.edit,) if outcome.edit is not None else ()), *outcome.send,
                    *later)
        view = self._view(outcome, (*outcome.send, *later))
        return view, self.port.place_of(action, messages) if action is not None else Home()

    def conversation(self, session: Session | None, view: View, place: Place,
                     status: int = 200, header: Header | None = None) -> HTMLResponse:
        """A page of the conversation, titled as what it is."""
        way_back = (self.codes.way_back(session)
                    if isinstance(session, Person) and view.way_back else None)
        return self._page("conversation.html.j2", session, status, view=view, header=header,
                          heading=self.port.title(place), refresh=PREPARING_REFRESH_SECONDS,
                          here=self.url(place), way_back=way_back,
                          welcome=isinstance(session, Visitor) and isinstance(place, Home))

    async def welcome(self) -> View:
        """What every visitor sees first: made once, so a flood of visitors reads nothing."""
        tag = spoken()
        view = self._visitor_views.get(tag)
        if view is None:
            view = self._visitor_views[tag] = await self._carried_out(await self.port.start(NOBODY))
        return view

    async def _form(self, request: Request, fields: int = MAX_FIELDS) -> FormData | Response:
        """The request's small form, or the page that refuses it."""
        if getattr(request.state, "too_large", False):
            return self.error("too_large", 413)
        try:
            return await request.form(max_files=0, max_fields=fields)
        except BodyTooLarge:
            return self.error("too_large", 413)
        except (MultiPartException, HTTPException, UnicodeDecodeError):
            return self.error("bad_request", 400)

    async def _own_form(self, request: Request,
                        fields: int = MAX_FIELDS) -> tuple[Session, FormData] | Response:
        """The form and the session it belongs to (its CSRF token), or the refusal."""
        form = await self._form(request, fields)
        if isinstance(form, Response):
            return form
        session = await self._session(request)
        if session is None or not csrf_valid(session.token, form.get("csrf")):
            return self.error("csrf", 403)
        return session, form

    async def act(self, request: Request) -> Response:
        """One form: a button, a command of the navigation or a form the flows asked for."""
        own = await self._own_form(request)
        if isinstance(own, Response):
            return own
        session, form = own
        given = _input(form)
        if given is None:
            return self.error("bad_request", 400, session)
        kind, value = given
        action = value if not isinstance(value, str) else self.port.action(kind, value)
        if kind == "command" and action is None:
            return self.error("bad_request", 400, session)
        person = await self._stored(request, session)
        if person is None:
            return self.error("too_many_new", 429, session)
        # A task of its own: it finishes (and keeps its result) even if the client goes away.
        work = asyncio.create_task(self._carry_out(person, action))
        self._working.add(work)
        work.add_done_callback(self._working.discard)
        done, _ = await asyncio.wait({work}, timeout=self.patience)
        if work in done:
            return self._answered(person, work.result())
        # Still at work (a PDF report): its page says so until the result is kept instead.
        path = url_of(self.port.place_of(action, ()) if action is not None else Home())
        pending = View(pending=True, path=path)
        self.kept.put(person.id, pending)
        work.add_done_callback(functools.partial(self._done_late, person.id, pending))
        return RedirectResponse(f"{self.web_base}{path}", status_code=303)

    def _done_late(self, person: int, pending: View, task: asyncio.Task[_CarriedOut]) -> None:
        """An action that outlasted the patience: its result (or that it failed) goes to the
        page that said it is being made."""
        if task.cancelled() or self.kept.get(person) is not pending:
            return
        if task.exception() is not None:
            log.error("error while carrying out a browser action", exc_info=task.exception())
            self.kept.put(person, View(notice=self.pages.text("notice.error"), alert=True,
                                       path=pending.path))
            return
        carried = task.result()
        if not carried.gone:
            carried.view.path = url_of(carried.place)
            carried.view.announced_at = pending.path
            self.kept.put(person, carried.view)

    async def _carry_out(self, person: Person, action: Action | None) -> _CarriedOut:
        """One form's action; what it shows and where that belongs."""
        await self.port.note_activity(person.id)
        outcome = await self.port.act(person.id, action)
        view, place = (await self._shown(action, outcome) if action is not None
                       else (await self._carried_out(outcome), Home()))
        if action is not None and self.port.confirmed_in_text(action):
            view.notice = None if not view.alert else view.notice
        # Only a confirmed deletion can end the person: the session is read once otherwise.
        gone = (action is not None and self.port.erases(action)
                and await self.storage.web_sessions.person_of(person.token) is None)
        if outcome.broadcast is not None and not gone:
            self._start_broadcast(person.id, outcome.broadcast)
        remembered = action is None or self.port.remembered(action)
        return _CarriedOut(view, place, gone, remembered)

    def _answered(self, person: Person, carried: _CarriedOut) -> Response:
        """The redirect to the page the outcome belongs to, which shows it once."""
        if carried.gone:
            # The person deleted their data: show the confirmation once, forget the cookie.
            self.kept.forget(person.id)
            response = self.conversation(None, carried.view, carried.place)
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                                   secure=self.web.secure)
            return response
        path = url_of(carried.place)
        if carried.remembered:
            carried.view.path = path
            self.kept.put(person.id, carried.view)
        return RedirectResponse(f"{self.web_base}{path}", status_code=303)

    def _start_broadcast(self, sender: int, broadcast: Broadcast) -> None:
        """Send in the background, each recipient through their channel (Telegram at its
        pace); the sender's page then says how it went."""
        async def send() -> None:
            report = await self.delivery.send(broadcast)
            messages = broadcast.reported(report) if broadcast.reported else ()
            self.kept.add(sender, self._view(Outcome(), messages))

        task = asyncio.create_task(send())
        self._broadcasts.add(task)
        task.add_done_callback(self._broadcast_done)

    async def deliver(self, people: tuple[int, ...],
                      replies: tuple[Reply, ...]) -> BroadcastReport:
        """The browser's part of delivering notices (:class:`bot.flows.delivery.ChannelDelivery`).

        People in the browser find the messages on their page the next time they
        open it, while views are kept (``KEEP_SECONDS``): a result shared in the
        room reaches the phones in the room.
        """
        for person in people:
            self.kept.add(person, self._view(Outcome(), replies))
        return BroadcastReport(delivered=len(people), unreachable=0)

    def _broadcast_done(self, task: asyncio.Task[None]) -> None:
        self._broadcasts.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("sharing a result from the browser failed", exc_info=task.exception())

    @property
    def web_base(self) -> str:
        """The public URL's path, for redirects behind a proxy that serves a sub-path."""
        return urlsplit(self.web.public_url).path.rstrip("/")

    async def continue_with(self, request: Request) -> Response:
        """The private continue link: the person named in it moves to this browser.

        A coordinator's management link (``/verwalten/<token>/<workshop>``) does the
        same and opens the workshop's menu. If this browser holds somebody else who has
        stored something, the page asks first and says what each holds.
        """
        session = await self._session(request)
        found = await self._linked(request, session)
        if isinstance(found, Response):
            return found
        asked = await self._switch_question(session, found, request.url.path)
        return asked if asked is not None else await self._move(request, found)

    async def _switch_question(self, session: Session | None, found: int, path: str,
                               code: str | None = None) -> Response | None:
        """The page that asks before ``found`` replaces somebody here who stored something.

        It sends its form to ``path`` again (with the typed ``code``, if it came by one).
        """
        if not isinstance(session, Person) or session.id == found:
            return None
        here = await self.storage.web_sessions.holdings(session.id)
        if not here.anything:
            return None
        return self._page("switch.html.j2", session, here=here,
                          there=await self.storage.web_sessions.holdings(found),
                          path=path, link=self.continue_link(session), code=code)

    async def continue_confirmed(self, request: Request) -> Response:
        """The form of the page that asked: move the link's person here after all."""
        own = await self._own_form(request)
        if isinstance(own, Response):
            return own
        found = await self._linked(request, own[0])
        if isinstance(found, Response):
            return found
        return await self._move(request, found)

    async def _linked(self, request: Request, session: Session | None) -> int | Response:
        """The person a continue link names, looked up under the throttle."""
        refused = await self._refusal(request, session)
        if refused is not None:
            return refused
        token = request.path_params["token"]
        person = (await self.storage.web_sessions.person_of(token)
                  if len(token) <= 64 else None)
        if person is None:
            self.throttle.failed(self._guesser(request, session))
            return self.error("link_invalid", 404, session)
        return person

    async def _move(self, request: Request, person: int) -> Response:
        """This browser becomes the person; their other sessions and old link stop working."""
        token = await self.storage.web_sessions.move(person)
        if token is None:
            return self.error("link_invalid", 404)
        self.kept.forget(person)  # a fresh look at where the person stands
        workshop = request.path_params.get("workshop")
        place = WorkshopPage(workshop) if workshop is not None else Home()
        response = RedirectResponse(self.url(place), status_code=303)
        return self._with_cookie(response, Person(person, token))

    async def invitation(self, request: Request) -> Response:
        """A workshop's invitation link (or a co-coordinator's): opened like ``/start`` in Telegram.

        It always acts for the browser's own person (a visitor's is created now), never
        for anybody the link could name: joining is the visitor's own step.
        """
        session, new = await self._visiting(request)
        refused = await self._refusal(request, None if new else session)
        if refused is not None:
            return refused
        kind, token = request.url.path.rstrip("/").split("/")[-2], request.path_params["token"]
        invitation = parse(kind, token)
        if invitation is None or not await self._invites(invitation):
            self.throttle.failed(self._guesser(request, None if new else session))
            if isinstance(session, Visitor):  # explained without storing anybody
                outcome = await self.port.invitation(NOBODY, kind, token)
                view = await self._carried_out(outcome)
                page = self.conversation(session, view, Home(), 404,
                                         await self._header(session, view))
                return self._with_cookie(page, session) if new else page
        person = await self._stored(request, session)
        if person is None:
            return self.error("too_many_new", 429, session)
        await self.port.note_activity(person.id)
        action = self.port.invitation_action(kind, token)
        view, place = await self._shown(action, await self.port.act(person.id, action))
        if self.telegram_link is not None and isinstance(invitation, WorkshopInvitation):
            view.telegram = self.telegram_link(invitation)
        view.path = url_of(place)
        self.kept.put(person.id, view)
        response = RedirectResponse(self.url(place), status_code=303)
        return self._with_cookie(response, person) if new else response

    async def _invites(self, invitation: WorkshopInvitation | CoordinatorInvitation) -> bool:
        """Whether the invitation names a workshop (a visitor is stored only for a real one)."""
        workshops = self.storage.workshops
        if isinstance(invitation, WorkshopInvitation):
            return await workshops.by_token(invitation.token) is not None
        return await workshops.by_coordinator_token(invitation.token) is not None

    async def continue_page(self, request: Request) -> Response:
        """The continue link and resume code, once there is a person to continue as; the
        form for a code from another device."""
        session, new = await self._visiting(request)
        response = await self.codes.page(session)
        return self._with_cookie(response, session) if new else response

    async def continue_qr(self, request: Request) -> Response:
        person = await self._known(request)
        if person is None:
            return self.error("not_found", 404)
        return Response(qr_png(self.continue_link(person)), media_type="image/png")

    async def file(self, request: Request) -> Response:
        person = await self._known(request)
        kept = self.kept.file(person.id, request.path_params["key"]) if person else None
        if kept is None:
            return self.error("file_gone", 404, person)
        suffix = kept.file_name[kept.file_name.rfind("."):].lower()
        media_type = _MEDIA_TYPES.get(suffix, "application/octet-stream")
        disposition = "inline" if suffix == ".png" else "attachment"
        return Response(kept.data, media_type=media_type, headers={
            "content-disposition": f"{disposition}; filename*=UTF-8''{_quoted(kept.file_name)}"})

    async def switch_language(self, request: Request) -> Response:
        """A language link: the language kept (with the person, else in a cookie), and back."""
        tag = request.path_params["tag"]
        if not self.languages.offers(tag):
            return self.error("not_found", 404)
        person = await self._known(request)
        if person is not None:
            await self.languages.choose(person.id, tag)
            self.kept.forget(person.id)  # what was kept for the page is in the old language
        response = RedirectResponse(f"{self.web_base}{way_back(request)}", status_code=303)
        return switched(response, tag, self.web.secure)

    async def accessibility(self, request: Request) -> Response:
        session = await self._session(request)
        return self._page("accessibility.html.j2", session, header=await self._header(session))

    async def about(self, request: Request) -> Response:
        """„Über diesen Selbstcheck“: where the fields come from, who answers, what it is not."""
        person = await self._known(request)
        return self._page("about.html.j2", person, header=await self._header(person),
                          questionnaire=self.projector.questionnaire)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.error("not_found", 404)

    async def not_allowed(self, request: Request, exc: Exception) -> Response:
        return self.error("method", 405)

    async def database_gone(self, request: Request, exc: Exception) -> Response:
        """Not confirmed, and nothing logged: the heartbeat stops the process with one line."""
        return self.error("stopping", 503)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        log.error("error while handling a browser request: %s %s", request.method,
                  request.url.path.split("/")[1] if request.url.path else "", exc_info=exc)
        return self.error("server", 500)


def _quoted(file_name: str) -> str:
    return quote(file_name, safe="")


def _input(form: FormData) -> tuple[str, str] | tuple[str, Action] | None:
    """What the form asks for: a command, a button's action (a form's way back is one) or
    the form the flows asked for (checked sizes)."""
    command, action = form.get("command"), form.get("action")
    if isinstance(command, str) and command in (*NAVIGATION, "abbrechen"):
        return "command", command
    if isinstance(action, str) and 0 < len(action) <= 64:
        return "action", action
    if form.get("expected") == "1":
        return "expected", expected_text(form)
    sent_form = sent(form)
    return ("form", sent_form) if sent_form is not None else None


def build_web_app(channel: WebChannel, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The app; ``extra_routes`` come from the composition root (Telegram's webhook)."""
    routes: list[BaseRoute] = [
        Route("/aktion", channel.act, methods=["POST"]),  # first: every answer comes here
        *PlacePages(channel).routes(),
        Route("/weiter/{token}", channel.continue_with, methods=["GET"]),
        Route("/weiter/{token}", channel.continue_confirmed, methods=["POST"]),
        Route("/verwalten/{token}/{workshop:int}", channel.continue_with, methods=["GET"]),
        Route("/verwalten/{token}/{workshop:int}", channel.continue_confirmed, methods=["POST"]),
        Route("/fortsetzen", channel.continue_page, methods=["GET"]),
        Route("/fortsetzen", channel.codes.entered, methods=["POST"]),
        Route("/w/{token}", channel.invitation, methods=["GET"]),  # take part in a workshop
        Route("/k/{token}", channel.invitation, methods=["GET"]),  # co-coordinate one
        Route("/fortsetzen/qr.png", channel.continue_qr, methods=["GET"]),
        Route("/datei/{key}", channel.file, methods=["GET"]),
        Route("/barrierefreiheit", channel.accessibility, methods=["GET"]),
        Route("/sprache/{tag}", channel.switch_language, methods=["GET"]),
        Route("/ueber", channel.about, methods=["GET"]),
        *FieldPages(channel).routes(),
        *projector_routes(channel),  # the wall's slides, its steps and the phone's remote
        *paper_routes(channel),  # typing paper sheets in
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        *extra_routes,
    ]
    webhook_prefixes = {route.path: 1024 * 1024 for route in extra_routes
                        if isinstance(route, Route)}
    # Forwarded addresses are believed from the proxies the operator lists, and only then.
    proxies = ([Middleware(ProxyHeadersMiddleware, trusted_hosts=list(channel.web.trusted_proxies))]
               if channel.web.trusted_proxies else [])
    return Starlette(
        routes=routes,
        middleware=[*proxies, Middleware(Protections, limits=webhook_prefixes),
                    Middleware(RequestContext, languages=channel.languages)],
        exception_handlers={404: channel.not_found, 405: channel.not_allowed,
                            500: channel.server_error, DatabaseGone: channel.database_gone})
