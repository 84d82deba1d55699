"""The browser channel under load: many people answering at once over HTTP on 127.0.0.1.

The bot's services (flows, a database of its own), served by the real
Starlette app under uvicorn in the benchmark's event loop; each person is an HTTP
client with a cookie jar of its own that answers like a browser: POST the
answer's form, follow the redirect to the next statement's page. The clients
run in the same process, so their CPU is counted in the figures too.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import httpx

from bot.app import web_channel
from bot.bench.targets import free_port
from bot.config import Web
from bot.flows.services import Services
from bot.web.app import build_web_app
from bot.web.security import Throttle
from bot.web.server import http_server

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_PREPARING = 'class="message preparing"'  # a page whose action is still being carried out
_ANSWER_A = re.compile(r'name="action" value="(a:[0-9]+:[a-z0-9_-]+:A)"')


async def settled_page(client: httpx.AsyncClient, location: str) -> str:
    """The page at ``location`` once nothing is being prepared for it any more.

    An action that outlasts the server's patience (a report, or any action in a
    burst) first shows that it is being carried out; a browser reloads until it is done,
    and follows on to the address of what was made, as a browser does.
    """
    page = (await client.get(location, follow_redirects=True)).text
    while _PREPARING in page:
        await asyncio.sleep(0.05)
        page = (await client.get(location, follow_redirects=True)).text
    return page


@dataclass
class BrowserFigures:
    people: int
    statements: int
    seconds: float = 0.0
    response: list[float] = field(default_factory=list)  # POST of an answer until its 303
    next_page: list[float] = field(default_factory=list)  # … until the next page has arrived
    failures: int = 0
    stored: int = 0  # answers of browser persons in the database afterwards

    @property
    def answers(self) -> int:
        return len(self.response)

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0


class _Browser:
    def __init__(self, base_url: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=120)
        self.page = ""

    async def open(self) -> None:
        self.page = (await self.client.get("/")).text
        await self._post("begin")

    async def _post(self, action: str) -> None:
        csrf = _CSRF.search(self.page)
        assert csrf, "no form on the page"
        response = await self.client.post("/aktion", data={"csrf": csrf[1], "action": action})
        if response.status_code != 303:
            raise RuntimeError(f"the browser channel answered {response.status_code}")
        self.page = await settled_page(self.client, response.headers["location"])

    async def answer(self, figures: BrowserFigures) -> None:
        csrf, answer = _CSRF.search(self.page), _ANSWER_A.search(self.page)
        if csrf is None or answer is None:
            figures.failures += 1
            return
        sent = time.perf_counter()
        response = await self.client.post("/aktion", data={"csrf": csrf[1], "action": answer[1]})
        answered = time.perf_counter()
        if response.status_code != 303:
            figures.failures += 1
            return
        self.page = await settled_page(self.client, response.headers["location"])
        figures.response.append(answered - sent)
        figures.next_page.append(time.perf_counter() - sent)


async def browser_burst(services: Services, people: int, statements: int) -> BrowserFigures:
    """``people`` answer ``statements`` statements each, every round all at once."""
    figures = BrowserFigures(people, statements)
    # All of them come from 127.0.0.1: a hall behind one address, more than a room's worth of
    # connections and new people from one address.
    web = Web(listen="127.0.0.1", port=free_port(), connections_per_address=0)
    channel = web_channel(services)
    channel.throttle = Throttle(creations=people)
    server = http_server(build_web_app(channel), web)
    serving = asyncio.create_task(server.serve())
    browsers = [_Browser(f"http://127.0.0.1:{web.port}") for _ in range(people)]
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        await asyncio.gather(*(browser.open() for browser in browsers))
        start = time.perf_counter()
        for _ in range(statements):
            await asyncio.gather(*(browser.answer(figures) for browser in browsers))
        figures.seconds = time.perf_counter() - start
        rows = await services.storage.database.rows(
            "SELECT COUNT(*) FROM answers a JOIN runs r ON r.id = a.run_id"
            " JOIN users u ON u.user_id = r.user_id WHERE u.channel = 'browser'")
        figures.stored = rows[0][0]
    finally:
        await asyncio.gather(*(browser.client.aclose() for browser in browsers))
        server.stop()
        await serving
    return figures
