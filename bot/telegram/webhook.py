"""Telegram's webhook as a route of the process's one HTTP server.

The composition root mounts it into the browser channel's Starlette app, so
one server on one port serves both; only requests carrying the secret token
Telegram was given reach the bot.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from bot.config import Webhook
from bot.telegram.application import TelegramApplication
from bot.telegram.log_limit import LimitedLog

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"


def webhook_route(application: TelegramApplication, webhook: Webhook) -> Route:
    secret = webhook.secret.encode()
    unreadable = LimitedLog(log)

    async def receive(request: Request) -> Response:
        presented = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(presented, secret):
            return Response(status_code=403)
        try:
            data = json.loads(await request.body())
        except ValueError:
            log.info("webhook: a body that is not JSON, refused")
            return Response(status_code=400)
        try:
            update = Update.de_json(data, application.bot)
        except Exception as error:  # noqa: BLE001 – whatever the library cannot read
            # Telegram would deliver a refused update again and again, holding back all
            # after it: acknowledge it and go on, with one log line a minute at most.
            unreadable(logging.WARNING, "webhook: an update the library cannot read was "
                       "skipped (update_id=%s, %s)", _update_id(data), type(error).__name__)
            return Response(status_code=200)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(f"/{webhook.path}", receive, methods=["POST"])


def _update_id(data: object) -> object:
    """The update's number for the log line: never its content."""
    return data.get("update_id", "?") if isinstance(data, dict) else "?"
