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

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"


def webhook_route(application: TelegramApplication, webhook: Webhook) -> Route:
    secret = webhook.secret.encode()

    async def receive(request: Request) -> Response:
        presented = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(presented, secret):
            return Response(status_code=403)
        try:
            update = Update.de_json(json.loads(await request.body()), application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.info("webhook: not an update (%s)", type(error).__name__)
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(f"/{webhook.path}", receive, methods=["POST"])
