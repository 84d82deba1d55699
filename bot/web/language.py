"""Which language a browser request speaks, and the switch every page offers.

A stored person reads the language kept with them (it follows them to another device);
a visitor the one their switch set in a cookie, else the nearest to what their
browser asks for (``Accept-Language``). The switch is a plain link per language, so
it works without JavaScript and before anything is stored.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Scope

from bot.flows.languages import Languages
from bot.output.languages import accepted_languages

LANGUAGE_COOKIE = "sprache"
COOKIE_DAYS = 365


def wished_language(scope: Scope, languages: Languages) -> str:
    """A visitor's language: their switch's cookie, else their browser's wish."""
    cookie, accepted = "", ""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = value.decode("latin-1")
        elif name == b"accept-language":
            accepted = value.decode("latin-1")
    if LANGUAGE_COOKIE in cookie:
        for part in cookie.split(";"):
            key, _, value = part.strip().partition("=")
            if key == LANGUAGE_COOKIE and languages.offers(value):
                return value
    return languages.wished(accepted_languages(accepted)) if accepted else languages.wished(())


def way_back(request: Request) -> str:
    """Where the switch was used: a path of this site only, never another site."""
    back = request.query_params.get("zurueck", "/")
    return back if back.startswith("/") and not back.startswith("//") and "\\" not in back else "/"


def switched(response: RedirectResponse, tag: str, secure: bool) -> Response:
    response.set_cookie(LANGUAGE_COOKIE, tag, max_age=COOKIE_DAYS * 86400, path="/",
                        httponly=True, samesite="lax", secure=secure)
    return response
