"""The HTTP server's guards against slow and many clients, on 127.0.0.1 with small limits."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.bench.targets import free_port
from bot.config import Web
from bot.web.connections import ConnectionLimits, network_of, total_for
from bot.web.server import HttpServer, http_server

LIMITS = ConnectionLimits(request_seconds=0.3, per_address=2, total=3)


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"hallo {len(await request.body())}")


@pytest.fixture
async def server() -> AsyncIterator[HttpServer]:
    app = Starlette(routes=[Route("/", hello, methods=["GET", "POST"])])
    running = http_server(app, Web(listen="127.0.0.1", port=free_port()), LIMITS)
    serving = asyncio.create_task(running.serve())
    for _ in range(500):
        if running.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield running
    finally:
        running.stop()
        await asyncio.wait_for(serving, 10)


async def connect(server: HttpServer, source: str = "127.0.0.1",
                  ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.config.port,
                                         local_addr=(source, 0))


async def get(server: HttpServer, source: str = "127.0.0.1") -> bytes:
    reader, writer = await connect(server, source)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return reply


async def test_a_request_whose_headers_do_not_arrive_in_time_is_closed(server: HttpServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # … and the rest never comes
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
    writer.close()
    reader, writer = await connect(server)  # nothing sent at all: closed as well
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_the_deadline_holds_for_the_next_request_on_a_kept_alive_connection(
        server: HttpServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = await asyncio.wait_for(reader.readuntil(b"hallo 0"), 5)
    assert reply.startswith(b"HTTP/1.1 200 ")
    await asyncio.sleep(0.5)  # longer than the deadline: a request answered holds none
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await asyncio.wait_for(reader.readuntil(b"hallo 0"), 5)).startswith(b"HTTP/1.1 200 ")
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the next one stops half-way
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_a_body_that_trickles_in_is_cut_off_at_the_deadline(server: HttpServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
    reply = None
    for _ in range(30):  # one byte every 0.1 s would take 100 s
        try:
            writer.write(b"x")
            reply = await asyncio.wait_for(reader.read(), 0.1)
            break
        except TimeoutError:
            continue
        except ConnectionError:
            reply = b""
            break
    assert reply == b""  # closed by the server, no answer
    writer.close()


async def test_one_address_cannot_take_every_connection(server: HttpServer) -> None:
    held = [await connect(server) for _ in range(2)]  # the cap for 127.0.0.1
    assert (await get(server)).startswith(b"HTTP/1.1 503 ")
    # another address still gets in, up to the total
    assert (await get(server, "127.0.0.2")).startswith(b"HTTP/1.1 200 ")
    held.append(await connect(server, "127.0.0.3"))
    assert (await get(server, "127.0.0.4")).startswith(b"HTTP/1.1 503 ")
    for _, writer in held:
        writer.close()
    await asyncio.sleep(0.1)
    assert (await get(server)).startswith(b"HTTP/1.1 200 ")


def test_at_start_the_soft_limit_on_open_files_is_raised_to_the_hard_one() -> None:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 2048))
    probe = subprocess.run(
        [sys.executable, "-c", "import resource; from bot.web.connections import raise_file_limit;"
                               "print(raise_file_limit(), *resource.getrlimit(resource.RLIMIT_NOFILE))"],
        capture_output=True, text=True, preexec_fn=limited, timeout=60, check=True,
        cwd=Path(__file__).resolve().parent.parent.parent)
    assert probe.stdout.split() == ["2048", "2048", "2048"]
    assert total_for(2048) < 2048 and total_for(1024) < 1024


def test_an_ipv6_client_counts_by_its_64_an_ipv4_one_by_its_address() -> None:
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:ffff::9") \
        == "2001:db8:1:2::/64"
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("192.0.2.7") == "192.0.2.7" != network_of("192.0.2.8")
    assert network_of("::ffff:192.0.2.7") == "192.0.2.7"
