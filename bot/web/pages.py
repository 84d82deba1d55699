"""The browser's pages, rendered from ``reports/web/`` (Jinja2, autoescaped)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.config import Operator
from bot.domain.spoken import SOURCE_LANGUAGE, speaking
from bot.flows.languages import Languages
from bot.output.fair_queue import requested_by
from bot.output.languages import Language, folder_of
from bot.output.render import (
    TEMPLATES_KEPT,
    Renderer,
    TemplateSetupError,
    add_filters,
    compile_all,
    speak_browser,
)
from bot.resources import REPORTS_DIR
from bot.web.connections import network_of
from bot.web.flows_port import NAVIGATION
from bot.web.language import wished_language

WEB_TEMPLATES = REPORTS_DIR / "web"
STATIC_DIR = WEB_TEMPLATES / "static"


class Pages:
    """Compiles every page template of every language once at start-up; texts come from the renderer.

    Page templates are named from ``reports/`` (``web/page.html.j2``), like the
    renderer's, so both environments agree on every name. A page is rendered in
    the language its request speaks (:mod:`bot.web.language`).
    """

    def __init__(self, renderer: Renderer, base: str, operator: Operator) -> None:
        self.text = renderer.text
        self.renderer = renderer
        self._environments = {language.tag: self._environment(language, base, operator)
                              for language in renderer.languages}

    def _environment(self, language: Language, base: str, operator: Operator) -> Environment:
        directory = self.renderer.directory
        folders = [folder_of(directory, language.tag)]
        if language.tag != SOURCE_LANGUAGE:
            folders.append(directory)  # the style sheets every language shares
        environment = Environment(loader=FileSystemLoader(folders), autoescape=True,
                                  undefined=StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, auto_reload=False,
                                  cache_size=TEMPLATES_KEPT)
        with speak_browser(), speaking(language.tag):  # the menu's labels, made once
            labels = {command: self.renderer.text(f"web.nav.{command}") for command in NAVIGATION}
        environment.globals.update(base=base, text=self.renderer.text,
                                   kept_text=self.renderer.kept_text, operator=operator,
                                   command_labels=labels,
                                   language=language, languages=self.renderer.languages,
                                   page_path=page_path)
        add_filters(environment, language)
        try:
            compile_all(environment, environment.list_templates(
                filter_func=lambda name: name.startswith("web/") and name.endswith(".j2")))
        except TemplateError as error:
            raise TemplateSetupError(f"{folders[0] / 'web'}: Vorlage fehlerhaft: {error}") from None
        return environment

    def render(self, template: str, **context: Any) -> str:
        environment = self._environments[self.renderer.language.tag]
        return environment.get_template(f"web/{template}").render(**context)


class RequestContext:
    """Middleware: what everything made while answering a browser request belongs to.

    Its texts are in the browser's words and in the language the visitor wishes (a
    stored person's own is set once the session is read,
    :meth:`bot.web.app.WebChannel._session`); its language links come back to its
    path; and the charts and PDFs made for it count for its client's address (their
    turn in the workers, :mod:`bot.output.fair_queue`): a trusted proxy's forwarded
    address, else the peer's. One layer sets all of it, as every request needs it.

    Each request runs in a task of its own, so this reaches the flows' texts, those
    made afterwards (``Outcome.later``) and those of a task the request starts (how a
    shared result went), and never a Telegram update's.
    """

    def __init__(self, app: ASGIApp, languages: Languages) -> None:
        self.app = app
        self.languages = languages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _PATH.set(scope["path"])
        client = scope.get("client")
        address = network_of(client[0]) if client else None
        with (speak_browser(), speaking(wished_language(scope, self.languages)),
              requested_by(address=address)):
            await self.app(scope, receive, send)


# The path of the page being made, for its language links to come back to.
_PATH: ContextVar[str] = ContextVar("page_path", default="/")


def page_path() -> str:
    return _PATH.get()
