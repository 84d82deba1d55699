"""The browser's pages, rendered from ``reports/web/`` (Jinja2, autoescaped)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.config import Operator
from bot.domain.questionnaire import shown_percent
from bot.output.render import Renderer, TemplateSetupError, speak_browser
from bot.resources import REPORTS_DIR

WEB_TEMPLATES = REPORTS_DIR / "web"
STATIC_DIR = WEB_TEMPLATES / "static"


class Pages:
    """Compiles every page template once at start-up; the texts come from the renderer.

    Page templates are named from ``reports/`` (``web/page.html.j2``), like the
    renderer's, so both environments agree on every name.
    """

    def __init__(self, renderer: Renderer, base: str, operator: Operator) -> None:
        self.text = renderer.text
        self._environment = Environment(loader=FileSystemLoader(REPORTS_DIR), autoescape=True,
                                        undefined=StrictUndefined, trim_blocks=True,
                                        lstrip_blocks=True, auto_reload=False)
        self._environment.globals.update(base=base, text=renderer.text, operator=operator)
        self._environment.filters["percent"] = shown_percent
        try:
            for name in self._environment.list_templates(
                    filter_func=lambda name: name.startswith("web/") and name.endswith(".j2")):
                self._environment.get_template(name)
        except TemplateError as error:
            raise TemplateSetupError(f"{WEB_TEMPLATES}: Vorlage fehlerhaft: {error}") from None

    def render(self, template: str, **context: Any) -> str:
        return self._environment.get_template(f"web/{template}").render(**context)


class BrowserWords:
    """Middleware: every text made while answering a browser request is in the browser's words.

    Each request runs in a task of its own, so this reaches the flows' texts, those
    made afterwards (``Outcome.later``) and those of a task the request starts (how a
    shared result went), and never a Telegram update's.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with speak_browser():
            await self.app(scope, receive, send)
