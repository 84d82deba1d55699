"""The Telegram channel as one unit: the object the composition root builds, opens, starts and stops.

Everything of python-telegram-bot stays behind it: the Application and its
handlers (bot/telegram/application.py), the jobs, polling or the webhook,
and the paced sending of notices. As in PTB's custom-webhook example the
bot is started by hand, beside the process's HTTP server: :meth:`open`
(getMe, then what the bot needs before its first update), :meth:`start`
(fetch updates), and :meth:`stop` once the server has returned (stop
fetching, finish every update in flight, close).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.routing import BaseRoute
from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import InvalidToken, TelegramError
from telegram.request import BaseRequest

from bot.config import ConfigError, Settings, operator_warnings
from bot.domain.spoken import speaking
from bot.flows import commands
from bot.flows.invitations import Invitation
from bot.flows.services import Services
from bot.output.workers import DRAWING
from bot.telegram import application, deep_link, jobs
from bot.telegram.broadcast import Broadcaster
from bot.telegram.polling import ALLOWED_UPDATES
from bot.telegram.webhook import webhook_route

log = logging.getLogger(__name__)

REJECTED_TOKEN = "Telegram lehnt TELEGRAM_BOT_TOKEN ab: bitte das Token bei @BotFather prüfen."


class TelegramChannel:
    """The bot in Telegram; ``request`` replaces its network layer (tests, benchmark)."""

    def __init__(self, settings: Settings, *, request: BaseRequest | None = None) -> None:
        self._settings = settings
        self.application = application.build(settings, request=request)
        # The channel's part of delivering notices (bot/flows/delivery.py), paced for all of them.
        self.notices = Broadcaster(self.application.bot)

    def invitation_link(self, invitation: Invitation) -> str:
        """The ``t.me`` link that opens the invitation in the private chat (once open)."""
        return deep_link.start_link(self.application.bot.username, invitation)

    def routes(self) -> list[BaseRoute]:
        """Telegram's webhook, a route of the process's HTTP server, where it is configured.

        Webhook updates are decoded by PTB; setting answer taps aside applies to
        getUpdates only (bot/telegram/answer_taps.py).
        """
        webhook = self._settings.webhook
        return [webhook_route(self.application, webhook)] if webhook else []

    async def open(self, services: Services, stop_serving: Callable[[], None] | None = None) -> None:
        """Ready for updates: Telegram has accepted the token (else :class:`ConfigError`), the
        services are in place, the jobs are scheduled and the commands are set.

        ``stop_serving`` ends the process's HTTP server when the heartbeat finds
        the database replaced.
        """
        try:
            await self.application.initialize()  # getMe: a rejected token ends here
        except InvalidToken:
            raise ConfigError(REJECTED_TOKEN) from None
        slot = self.application.bot_data
        slot.services, slot.stop_serving = services, stop_serving
        await services.storage.health.beat()  # healthy from the start; the heartbeat job keeps it fresh
        # Here, once Telegram has accepted the token: a start that fails says so in one line.
        for warning in operator_warnings(self._settings.operator):
            log.warning(warning)
        jobs.schedule(self.application, self._settings.retention_days)
        DRAWING.warm_up()  # the first run's end should not wait for matplotlib to load
        bot = self.application.bot
        menu = _menu(services)
        await bot.set_my_commands(menu, scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands(menu)
        # Telegram shows a person the menu of their app's language where there is one; it
        # knows languages by their two letters, so a register like Leichte Sprache has none.
        for language in services.renderer.languages[1:]:
            if len(language.tag) == 2:
                with speaking(language.tag):
                    await bot.set_my_commands(_menu(services), scope=BotCommandScopeAllPrivateChats(),
                                              language_code=language.tag)

    async def start(self) -> None:
        """Fetch updates: Telegram posts them to the webhook, or the bot polls for them."""
        await self.application.start()
        webhook = self._settings.webhook
        if webhook is not None:
            await self.application.bot.set_webhook(webhook.url, secret_token=webhook.secret,
                                                   allowed_updates=ALLOWED_UPDATES)
            return
        updater = self.application.updater
        assert updater is not None
        # Failed fetches go to the error handler, as run_polling sends them: the
        # fetching bot has logged them in one short line (bot/telegram/polling.py).
        await updater.start_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1,
                                    error_callback=self._report_fetch_error)

    async def stop(self) -> None:
        """Stop fetching, finish every update in flight (no answer is cut off), then close;
        also after a failed or partial start. The services stay open: they are the caller's."""
        app = self.application
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        finally:
            app.bot_data.services = None
            # PTB closes its clients only after a complete start; a rejected token stops it earlier.
            await application.close_network(app)

    @property
    def stopped_because(self) -> str | None:
        """Why the heartbeat stopped the process (a deleted or replaced database), if it did."""
        return jobs.stopped_by_heartbeat(self.application)

    def _report_fetch_error(self, error: TelegramError) -> None:
        self.application.create_task(self.application.process_error(error=error, update=None))


def _menu(services: Services) -> list[BotCommand]:
    """The commands and their descriptions, in the language the task speaks."""
    return [BotCommand(name, description) for name, description
            in commands.descriptions(services.renderer, commands.everywhere()).items()]
