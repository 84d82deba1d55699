"""Command line: ``selbstcheck-bot`` runs the bot; subcommands serve operators.

Every expected failure ends with one line on stderr and a non-zero exit code:
2 for a configuration that cannot work, 1 for an operation that failed
(an unhealthy bot, a failed backup).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from telegram.error import InvalidToken

from bot import logs
from bot.app import serve
from bot.config import ConfigError, database_from_env, settings_from_env
from bot.domain.content_check import check_questionnaire, check_reports, load_style
from bot.domain.questionnaire import QuestionnaireError, load_questionnaire
from bot.flows.upkeep import HEARTBEAT_MAX_AGE
from bot.output.render import Renderer, TemplateSetupError
from bot.output.report_pdf import ReportSetupError, check_available
from bot.output.workers import DRAWING, PRINTING
from bot.resources import QUESTIONS_DIR, REPORTS_DIR
from bot.store.errors import StorageError
from bot.store.operations import backup_database, check_writable, hold_instance_lock, last_heartbeat
from bot.telegram.application import check_database, tune_garbage_collector, use_uvloop

log = logging.getLogger(__name__)

CONFIG_FAILED = 2
OPERATION_FAILED = 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="selbstcheck-bot",
                                     description="Telegram-Bot für den Selbstcheck Weltoffene Kommune")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="den Bot starten (Standard)")
    backup = sub.add_parser("backup", help="die Datenbank im laufenden Betrieb sichern")
    backup.add_argument("target", help="Zieldatei der Sicherung")
    health = sub.add_parser("health", help="Exit-Code 0, wenn der laufende Bot gesund ist")
    health.add_argument("--max-age", type=float, default=HEARTBEAT_MAX_AGE.total_seconds(),
                        help="höchstens so viele Sekunden seit dem letzten Lebenszeichen")
    check = sub.add_parser("check-questions", help="den Fragebogen prüfen und Zahlen ausgeben")
    check.add_argument("--dir", type=Path, default=QUESTIONS_DIR,
                       help="Verzeichnis mit den Fragebogen-Dateien (Standard: der mitgelieferte)")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            _backup(args.target)
        elif args.command == "health":
            _health(args.max_age)
        elif args.command == "check-questions":
            raise SystemExit(_check_questions(args.dir))
        else:
            _run()
    except (ConfigError, QuestionnaireError, TemplateSetupError, ReportSetupError) as error:
        _fail(str(error), CONFIG_FAILED)
    except StorageError as error:
        _fail(str(error), OPERATION_FAILED if args.command in ("backup", "health")
              else CONFIG_FAILED)
    except InvalidToken:
        _fail("Telegram lehnt TELEGRAM_BOT_TOKEN ab: bitte das Token bei @BotFather prüfen.",
              CONFIG_FAILED)


def _fail(message: str, code: int) -> None:
    print(f"selbstcheck-bot: {message}", file=sys.stderr)
    raise SystemExit(code)


def _check_questions(directory: Path) -> int:
    questionnaire = load_questionnaire(directory)
    style = load_style(directory)
    checks = check_questionnaire(questionnaire, style)
    in_reports = check_reports(REPORTS_DIR, style)
    print(Renderer().plain("check_questions.txt.j2", questionnaire=questionnaire, checks=checks,
                           in_reports=in_reports, minimum=style.min_reading_score if style else None),
          end="")
    return 0 if all(check.complete for check in checks) and not in_reports else 1


def _rejected_token(record: logging.LogRecord) -> bool:
    return bool(record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def _run() -> None:
    # PTB logs a rejected token with a traceback; the CLI reports it in one line.
    formatter = logs.configure_logging(drop=_rejected_token)
    settings = settings_from_env()
    formatter.add_secrets(settings.secrets)
    questionnaire = load_questionnaire(settings.questions_dir or QUESTIONS_DIR)
    renderer = Renderer(operator=settings.operator)
    for worker in (DRAWING, PRINTING):
        worker.keep_out_of_logs(settings.secrets)
    try:
        PRINTING.call(check_available)  # PDFs are made in that process: check it there
    finally:
        PRINTING.shut_down()  # it starts again with the first report
    check_writable(settings.database)
    check_database(settings.database)
    # Held until the process ends; backup and health do not take it.
    instance_lock = hold_instance_lock(settings.database)
    log.info("starting: %s", "the browser alone (no token)" if settings.token is None else
             "browser and Telegram (webhook)" if settings.webhook else
             "browser and Telegram (polling)")
    tune_garbage_collector()
    use_uvloop()
    try:
        stopped_because = asyncio.run(serve(settings, questionnaire, renderer))
    except InvalidToken:
        raise
    except Exception:  # logged through the redacting formatter, unlike a bare traceback
        log.exception("the bot stopped after an unexpected error")
        raise SystemExit(OPERATION_FAILED) from None
    finally:
        instance_lock.close()
    if stopped_because is not None:
        raise SystemExit(OPERATION_FAILED)
    log.info("stopped")


def _backup(target: str) -> None:
    source = database_from_env()
    backup_database(source, target)
    print(f"Sicherung von {source} nach {target} geschrieben.")


def _health(max_age: float) -> None:
    beat = last_heartbeat(database_from_env())
    if beat is None:
        _fail("kein Lebenszeichen: der Bot ist noch nicht gestartet", OPERATION_FAILED)
        return
    age = datetime.now(timezone.utc) - beat
    if age > timedelta(seconds=max_age):
        _fail(f"letztes Lebenszeichen vor {int(age.total_seconds())} s "
              f"(erlaubt: {int(max_age)} s)", OPERATION_FAILED)
    print(f"gesund: letztes Lebenszeichen vor {max(int(age.total_seconds()), 0)} s")
