"""A flood of PDF reports from throw-away browser sessions, and another person's report meanwhile.

The attack that motivated the fair queue (:mod:`bot.output.fair_queue`): a
script opens throw-away sessions in the browser, finishes a run in each and
then asks for the report again and again, all at once. The benchmark serves
the real Starlette app under uvicorn on 127.0.0.1 in its own event loop, with
the services on a database of its own; the flood comes from 127.0.0.2 (another
machine on the network, as loopback takes any 127.x address), the other
people from 127.0.0.1 or, for the set-up where every client has one address
(Docker's published port, a proxy), from 127.0.0.2 as well. Each person's
report is timed from the POST of "Bericht" to its answer: the PDF is made in
between. Calm first, then while the flood's reports wait for the printing
process (a report asked for once the flood is through is not counted).
"""

from __future__ import annotations

import asyncio
import math
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from bot.app import web_channel
from bot.bench.browser import settled_page
from bot.bench.targets import free_port
from bot.config import Web
from bot.flows.services import Services
from bot.web.app import build_web_app
from bot.web.server import http_server

FLOOD_ADDRESS = "127.0.0.2"
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_ANSWER_A = re.compile(r'name="action" value="(a:[0-9]+:[a-z0-9_-]+:A)"')
_NAME_SKIP = "n:s"


@dataclass
class PdfFloodFigures:
    sessions: int
    requests_each: int
    same_address: bool
    calm: list[float] = field(default_factory=list)  # seconds for another person's report
    flooded: list[float] = field(default_factory=list)
    refused: int = 0  # of the other people's reports during the flood: a notice instead
    flood_outcomes: Counter[str] = field(default_factory=Counter)  # "pdf", "notice", "failed"
    flood_seconds: float = 0.0

    @property
    def ratio(self) -> float:
        if not self.flooded:
            return math.nan
        return statistics.median(self.flooded) / statistics.median(self.calm)


class _Session:
    """One browser session: a cookie jar and the page it shows."""

    def __init__(self, base_url: str, address: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=300,
                                        transport=httpx.AsyncHTTPTransport(local_address=address))
        self.page = ""

    async def post(self, **form: str) -> httpx.Response:
        csrf = _CSRF.search(self.page)
        assert csrf, "no form on the page"
        response = await self.client.post("/aktion", data={"csrf": csrf[1], **form})
        if response.status_code == 303:
            self.page = await settled_page(self.client, response.headers["location"])
        return response

    async def finish_a_run(self) -> None:
        """Begin, answer every statement, and take the first report without a name."""
        self.page = (await self.client.get("/")).text
        await self.post(action="begin")
        while (answer := _ANSWER_A.search(self.page)) is not None:
            await self.post(action=answer[1])
        await self.post(command="bericht")
        await self.post(action=_NAME_SKIP)
        assert "/datei/" in self.page, "the first report was not made"

    async def report(self) -> tuple[float, str]:
        """Ask for the report; how long it took and what came back."""
        started = time.perf_counter()
        response = await self.post(command="bericht")
        seconds = time.perf_counter() - started
        if response.status_code != 303:
            return seconds, "failed"
        return seconds, "pdf" if "/datei/" in self.page else "notice"


async def pdf_flood(services: Services, sessions: int = 12, requests_each: int = 5,
                    others: int = 3, same_address: bool = False) -> PdfFloodFigures:
    """``sessions`` throw-away sessions ask ``requests_each`` reports each, all at once;
    ``others`` people ask for one report each before and (while it lasts) during the flood."""
    figures = PdfFloodFigures(sessions, requests_each, same_address)
    web = Web(listen="127.0.0.1", port=free_port())
    server = http_server(build_web_app(web_channel(services)), web)
    serving = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{web.port}"
    flood = [_Session(url, FLOOD_ADDRESS) for _ in range(sessions)]
    people = [_Session(url, FLOOD_ADDRESS if same_address else "127.0.0.1")
              for _ in range(others)]
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        for session in (*people, *flood):
            await session.finish_a_run()
        for person in people:
            figures.calm.append((await person.report())[0])
        started = time.perf_counter()
        flooding = [asyncio.create_task(session.report()) for session in flood
                    for _ in range(requests_each)]
        await asyncio.sleep(0.5)  # the flood's reports are waiting for the printing process
        for person in people:  # one after the other, as long as the flood lasts
            if all(task.done() for task in flooding):
                break
            seconds, outcome = await person.report()
            if outcome == "pdf":
                figures.flooded.append(seconds)
            else:
                figures.refused += 1
        for _, outcome in await asyncio.gather(*flooding):
            figures.flood_outcomes[outcome] += 1
        figures.flood_seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(s.client.aclose() for s in (*flood, *people)))
        server.stop()
        await serving
    return figures


def format_pdf_flood(figures: PdfFloodFigures) -> str:
    where = "the flood's address" if figures.same_address else "another address"
    outcomes = figures.flood_outcomes
    return "\n".join([
        f"PDF flood: {figures.sessions} throw-away browser sessions ask for "
        f"{figures.requests_each} reports each at once; {len(figures.calm)} other people "
        f"at {where} ask for theirs",
        f"  another person's report, calm:         median {statistics.median(figures.calm):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in figures.calm)})",
        (f"  another person's report, during flood: median "
         f"{statistics.median(figures.flooded):.2f} s "
         f"({', '.join(f'{s:.2f}' for s in figures.flooded)}): {figures.ratio:.1f}x calm"
         if figures.flooded else "  no other person's report was made during the flood"),
        f"  other people's reports refused during the flood (the address's budget used up): "
        f"{figures.refused}",
        f"  the flood got {outcomes['pdf']} PDF(s), {outcomes['notice']} notice(s), "
        f"{outcomes['failed']} failure(s); all through after {figures.flood_seconds:.1f} s",
    ])
