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
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot import logs
from bot.app import SYSTEM_CLOCK, serve
from bot.config import ConfigError, database_from_env, settings_from_env
from bot.domain.content_check import check_questionnaire, check_reports, load_style
from bot.domain.questionnaire import QuestionnaireError, load_questionnaire
from bot.domain.translations import translation_problems, translation_tags
from bot.flows.upkeep import HEARTBEAT_MAX_AGE
from bot.output.languages import LanguageError, language_tags, read_language, text_problems
from bot.output.render import Renderer, TemplateSetupError
from bot.output.report_pdf import ReportSetupError, check_available
from bot.output.workers import DRAWING, PRINTING
from bot.resources import QUESTIONS_DIR, REPORTS_DIR
from bot.runtime import tune_garbage_collector, use_uvloop
from bot.store.errors import StorageError
from bot.store.operations import (
    backup_database,
    check_database,
    check_writable,
    hold_instance_lock,
    last_heartbeat,
)

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
    check.add_argument("--reports", type=Path, default=REPORTS_DIR,
                       help="Verzeichnis mit den Vorlagen und Texten (Standard: das mitgelieferte)")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            _backup(args.target)
        elif args.command == "health":
            _health(args.max_age)
        elif args.command == "check-questions":
            raise SystemExit(_check_questions(args.dir, args.reports))
        else:
            _run()
    except (ConfigError, QuestionnaireError, TemplateSetupError, ReportSetupError) as error:
        _fail(str(error), CONFIG_FAILED)
    except StorageError as error:
        _fail(str(error), OPERATION_FAILED if args.command in ("backup", "health")
              else CONFIG_FAILED)


def _fail(message: str, code: int) -> None:
    print(f"selbstcheck-bot: {message}", file=sys.stderr)
    raise SystemExit(code)


def _check_questions(directory: Path, reports: Path) -> int:
    questionnaire = load_questionnaire(directory)
    style = load_style(directory)
    checks = check_questionnaire(questionnaire, style)
    in_reports = check_reports(reports, style)
    languages = language_checks(directory, reports)
    print(Renderer().plain("check_questions.txt.j2", questionnaire=questionnaire, checks=checks,
                           in_reports=in_reports, languages=languages,
                           minimum=style.min_reading_score if style else None),
          end="")
    complete = all(check.complete for check in checks) and not in_reports
    return 0 if complete and all(language.complete for language in languages) else 1


def language_checks(questions: Path, reports: Path) -> list[LanguageCheck]:
    """Each translation's problems, in the questionnaire and in the texts of ``reports/``."""
    in_questions = translation_problems(questions)
    tags = sorted(set(in_questions) | set(language_tags(reports)[1:]))
    return [LanguageCheck(tag, _language_name(reports, tag), in_questions.get(tag, ["Ordner fehlt"]),
                          text_problems(reports, tag)) for tag in tags]


def _language_name(reports: Path, tag: str) -> str | None:
    try:
        return read_language(reports, tag).name
    except LanguageError:
        return None


@dataclass(frozen=True)
class LanguageCheck:
    tag: str
    name: str | None
    in_questions: list[str]
    in_reports: list[str]

    @property
    def complete(self) -> bool:
        return not self.in_questions and not self.in_reports


def _run() -> None:
    formatter = logs.configure_logging()
    settings = settings_from_env()
    formatter.add_secrets(settings.secrets)
    questionnaire = load_questionnaire(settings.questions_dir or QUESTIONS_DIR)
    reports = settings.reports_dir or REPORTS_DIR
    renderer = Renderer(reports, operator=settings.operator, languages=questionnaire.languages)
    # Named: a translation begun but not complete. A questionnaire of one's own without
    # translations simply speaks German.
    left_out = sorted((set(translation_tags(settings.questions_dir or QUESTIONS_DIR))
                       | set(renderer.incomplete))
                      - {language.tag for language in renderer.languages})
    if left_out:
        log.warning("languages not complete, not offered: %s (selbstcheck-bot check-questions "
                    "says what they lack)", ", ".join(left_out))
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
    except ConfigError:  # e.g. a token Telegram rejects: reported in one line by main()
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
    age = SYSTEM_CLOCK.now() - beat
    if age > timedelta(seconds=max_age):
        _fail(f"letztes Lebenszeichen vor {int(age.total_seconds())} s "
              f"(erlaubt: {int(max_age)} s)", OPERATION_FAILED)
    print(f"gesund: letztes Lebenszeichen vor {max(int(age.total_seconds()), 0)} s")
