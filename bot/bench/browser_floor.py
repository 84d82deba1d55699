"""The browser floor: the least a web app can do per answer, on the same uvicorn.

``python -m bot.bench.browser_floor DATABASE PORT STATEMENTS`` serves a bare
Starlette app with the browser channel's uvicorn settings: a cookie names a
person (one aiosqlite look-up), an answer is a form POST with a CSRF token
that commits one row and redirects (303), and the GET that follows renders
the next statement's page with Jinja2 – POST → 303 → GET, what a person's
answer costs at the least. The benchmark divides the browser channel's CPU
per answer by this one's, measured in the same run.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import sys

import aiosqlite
import uvicorn
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.runtime import use_uvloop
from bot.web.server import UVICORN_OPTIONS

COOKIE = "floor"
_FILLER = "Synthetic benchmark text of typical length for the statements in the questionnaire"
# As long as the browser channel's statement page: a header, the statement, five buttons.
_PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement {{ number }} – floor</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><p>Floor</p></header><main>
<p><b>Field {{ field }}</b> · statement {{ number }} of {{ total }}</p>
<p>{{ text }} and of what municipalities do, statement {{ number }}.</p>
<form method="post" action="/aktion">
<input type="hidden" name="csrf" value="{{ csrf }}">
{% for choice, label in choices %}
<button type="submit" name="action" value="a:{{ person }}:s{{ number }}:{{ choice }}">{{ label }}</button>
{% endfor %}
</form></main><footer><p>{{ text }}.</p></footer></body></html>
""")
_CHOICES = (("A", "A · Agree"), ("B", "B · Rather agree"), ("C", "C · Rather disagree"),
            ("D", "D · Disagree"), ("E", "E · Cannot say"))


def _csrf(token: str) -> str:
    return hmac.new(token.encode(), b"floor-form", hashlib.sha256).hexdigest()


class Floor:
    def __init__(self, database: aiosqlite.Connection, statements: int) -> None:
        self.db = database
        self.statements = statements

    async def _person(self, token: str | None) -> int | None:
        if not token:
            return None
        cursor = await self.db.execute("SELECT id FROM people WHERE token_hash = ?",
                                       (hashlib.sha256(token.encode()).digest(),))
        row = await cursor.fetchone()
        return int(row[0]) if row is not None else None

    async def page(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE)
        person = await self._person(token)
        new = person is None
        if token is None or person is None:
            token = secrets.token_urlsafe(24)
            cursor = await self.db.execute("INSERT INTO people (token_hash) VALUES (?)",
                                           (hashlib.sha256(token.encode()).digest(),))
            person = cursor.lastrowid
        cursor = await self.db.execute("SELECT COUNT(*) FROM answers WHERE person = ?", (person,))
        row = await cursor.fetchone()
        number = (row[0] if row else 0) + 1
        response = HTMLResponse(_PAGE.render(
            number=number, total=self.statements, field=1 + (number - 1) // 15, text=_FILLER,
            csrf=_csrf(token), person=person, choices=_CHOICES))
        if new:
            response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
        return response

    async def answer(self, request: Request) -> Response:
        form = await request.form()
        token = request.cookies.get(COOKIE)
        person = await self._person(token)
        action = form.get("action")
        if (token is None or person is None or not isinstance(action, str)
                or not hmac.compare_digest(_csrf(token), str(form.get("csrf", "")))):
            return HTMLResponse("refused", status_code=403)
        _, _, statement, choice = action.split(":")
        await self.db.execute("INSERT OR REPLACE INTO answers (person, statement, choice)"
                              " VALUES (?, ?, ?)", (person, statement, choice))  # one commit
        return RedirectResponse("/", status_code=303)


async def serve(path: str, port: int, statements: int) -> None:
    database = await aiosqlite.connect(path, isolation_level=None)  # each statement commits
    await database.execute("PRAGMA journal_mode = WAL")
    await database.execute("PRAGMA synchronous = NORMAL")
    await database.execute("CREATE TABLE IF NOT EXISTS people"
                           " (id INTEGER PRIMARY KEY, token_hash BLOB UNIQUE NOT NULL)")
    await database.execute("CREATE TABLE IF NOT EXISTS answers (person INTEGER NOT NULL,"
                           " statement TEXT NOT NULL, choice TEXT NOT NULL,"
                           " PRIMARY KEY (person, statement))")
    floor = Floor(database, statements)
    app = Starlette(routes=[Route("/", floor.page, methods=["GET"]),
                            Route("/aktion", floor.answer, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http="httptools",
                                           **UVICORN_OPTIONS))
    try:
        await server.serve()  # until SIGTERM
    finally:
        await database.close()


def main() -> None:
    path, port, statements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    use_uvloop()  # as the bot runs
    asyncio.run(serve(path, port, statements))


if __name__ == "__main__":
    main()
