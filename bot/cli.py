"""Command line: ``selbstcheck-bot`` runs the bot; subcommands serve operators."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.app import build_application, check_database, run_polling
from bot.config import ConfigError, settings_from_env
from bot.questionnaire import QuestionnaireError, load_questionnaire
from bot.render import Renderer, TemplateSetupError
from bot.report_pdf import ReportSetupError, check_available
from bot.storage import StorageError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="selbstcheck-bot",
                                     description="Telegram-Bot für den Selbstcheck Weltoffene Kommune")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="den Bot starten (Standard)")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.command in (None, "run"):
            _run()
    except (ConfigError, QuestionnaireError, TemplateSetupError, StorageError,
            ReportSetupError) as error:
        print(f"selbstcheck-bot: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _run() -> None:
    settings = settings_from_env()
    questionnaire = load_questionnaire()
    renderer = Renderer()
    check_available()
    check_database(settings.database)
    run_polling(build_application(settings, questionnaire, renderer))
