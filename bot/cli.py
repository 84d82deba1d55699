"""Command line: ``selbstcheck-bot`` runs the bot; subcommands serve operators."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.app import build_application, check_database, run_polling
from bot.config import ConfigError, settings_from_env
from bot.content_check import check_questionnaire
from bot.questionnaire import QuestionnaireError, load_questionnaire
from bot.render import Renderer, TemplateSetupError
from bot.render_process import DRAWING
from bot.report_pdf import ReportSetupError, check_available
from bot.resources import QUESTIONS_DIR
from bot.storage import StorageError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="selbstcheck-bot",
                                     description="Telegram-Bot für den Selbstcheck Weltoffene Kommune")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="den Bot starten (Standard)")
    check = sub.add_parser("check-questions", help="den Fragebogen prüfen und Zahlen ausgeben")
    check.add_argument("--dir", type=Path, default=QUESTIONS_DIR,
                       help="Verzeichnis mit den Fragebogen-Dateien (Standard: der mitgelieferte)")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # WeasyPrint narrates every rendering step at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    try:
        if args.command in (None, "run"):
            _run()
        elif args.command == "check-questions":
            raise SystemExit(_check_questions(args.dir))
    except (ConfigError, QuestionnaireError, TemplateSetupError, StorageError,
            ReportSetupError) as error:
        print(f"selbstcheck-bot: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _check_questions(directory: Path) -> int:
    questionnaire = load_questionnaire(directory)
    checks = check_questionnaire(questionnaire)
    print(Renderer().plain("check_questions.txt.j2", questionnaire=questionnaire, checks=checks),
          end="")
    return 0 if all(check.complete for check in checks) else 1


def _run() -> None:
    settings = settings_from_env()
    questionnaire = load_questionnaire()
    renderer = Renderer()
    DRAWING.call(check_available)  # PDFs are made in the drawing process: check it there
    check_database(settings.database)
    run_polling(build_application(settings, questionnaire, renderer))
