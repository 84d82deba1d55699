"""The simulated people of the browser benchmark, in a process of their own.

``python -m bot.bench.browser_people SPEC`` (a JSON file, see
:func:`bot.bench.browser.browser_benchmark`) lets ``people`` browsers, each
with its own cookie jar and connection, from ``addresses`` addresses on
127.0.0.0/8 (a room's phones are not one address), answer ``statements``
statements on each target like a person: POST the answer's form, follow the
303, GET the next statement's page. Every round all of them answer at the
same instant, on one target after the other (the order alternates), and the
targets' CPU time is read from ``/proc`` around each round, so the server
processes' figures share the machine's noise. Prints the figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

import aiohttp

from bot.bench.targets import process_cpu_seconds
from bot.runtime import use_uvloop

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_ANSWER_A = re.compile(r'name="action" value="(a:[0-9-]+:[A-Za-z0-9_-]+:A)"')
_PREPARING = 'class="message preparing"'  # a page whose action is still being carried out
KEEP_ALIVE_SECONDS = 3.0


@dataclass
class TargetFigures:
    answers: int = 0
    failures: int = 0
    cpu_seconds: float = 0.0
    seconds: float = 0.0
    response: list[float] = field(default_factory=list)  # POST of an answer until its 303
    answer: list[float] = field(default_factory=list)  # … until the next page has arrived

    @property
    def cpu_ms_per_answer(self) -> float | None:
        return 1000 * self.cpu_seconds / self.answers if self.answers else None


class _Person:
    def __init__(self, base_url: str, address: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of an IP address's site
            # An idle connection is let go before uvicorn's keep-alive (5 s) closes it under
            # the request that would reuse it, as browsers keep theirs only briefly too.
            connector=aiohttp.TCPConnector(limit=1, local_addr=(address, 0),
                                           keepalive_timeout=KEEP_ALIVE_SECONDS),
            timeout=aiohttp.ClientTimeout(total=120))
        self.page = ""

    async def _get(self, location: str) -> str:
        """The page at ``location`` once nothing is being prepared for it any more."""
        while True:
            async with self.session.get(urljoin(self.base_url, location)) as response:
                page = await response.text()
            if _PREPARING not in page:
                return page
            await asyncio.sleep(0.05)

    async def open(self, begin: bool) -> None:
        self.page = await self._get("/")
        if begin:  # the browser channel's welcome: „Selbstcheck beginnen“
            csrf = _CSRF.search(self.page)
            assert csrf, "no form on the welcome"
            location = await self._post({"csrf": csrf[1], "action": "begin"})
            self.page = await self._get(location)

    async def _post(self, form: dict[str, str]) -> str:
        async with self.session.post(urljoin(self.base_url, "/aktion"), data=form,
                                     allow_redirects=False) as response:
            await response.read()
            if response.status != 303:
                raise RuntimeError(f"answered {response.status}")
            return response.headers["location"]

    async def answer(self, figures: TargetFigures) -> None:
        csrf, answer = _CSRF.search(self.page), _ANSWER_A.search(self.page)
        if csrf is None or answer is None:
            figures.failures += 1
            return
        sent = time.perf_counter()
        try:
            location = await self._post({"csrf": csrf[1], "action": answer[1]})
            answered = time.perf_counter()
            self.page = await self._get(location)
        except (RuntimeError, aiohttp.ClientError, asyncio.TimeoutError):
            figures.failures += 1
            return
        figures.response.append(answered - sent)
        figures.answer.append(time.perf_counter() - sent)
        figures.answers += 1


async def run(spec: dict[str, Any]) -> dict[str, TargetFigures]:
    targets = spec["targets"]  # name -> {"url", "pid", "begin"}
    people = {name: [_Person(target["url"], f"127.0.0.{2 + i % spec['addresses']}")
                     for i in range(spec["people"])] for name, target in targets.items()}
    figures = {name: TargetFigures() for name in targets}
    try:
        for name, target in targets.items():
            await asyncio.gather(*(person.open(target["begin"]) for person in people[name]))
        names = list(targets)
        for round_number in range(spec["statements"]):
            for name in names if round_number % 2 == 0 else reversed(names):
                pid = targets[name]["pid"]
                cpu, start = process_cpu_seconds(pid), time.perf_counter()
                await asyncio.gather(*(person.answer(figures[name]) for person in people[name]))
                figures[name].seconds += time.perf_counter() - start
                figures[name].cpu_seconds += process_cpu_seconds(pid) - cpu
    finally:
        await asyncio.gather(*(person.session.close()
                               for group in people.values() for person in group))
    return figures


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    use_uvloop()
    figures = asyncio.run(run(spec))
    json.dump({name: asdict(f) for name, f in figures.items()}, sys.stdout)


if __name__ == "__main__":
    main()
