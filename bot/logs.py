"""Logging that never writes the bot token or the webhook secret.

The token is part of every Bot API URL, so it can surface in an HTTP library's
request log or inside an exception message. Rather than trusting each call
site, every log line is redacted where it is formatted, including tracebacks.
Personal data (names, message texts, answers) is kept out of log calls in the
first place; see :func:`bot.telegram.handlers.describe`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[geheim]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MIN_SECRET_LENGTH = 6  # shorter strings would blank out ordinary words


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual, then replaces every known secret."""

    def __init__(self, fmt: str = LOG_FORMAT) -> None:
        super().__init__(fmt)
        self._secrets: list[str] = []

    def add_secrets(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            for part in _parts(secret):
                if part not in self._secrets:
                    self._secrets.append(part)
        self._secrets.sort(key=len, reverse=True)  # the whole token before its parts

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def _parts(secret: str) -> list[str]:
    """The secret and, for a bot token, its key after the colon on its own."""
    parts = [secret, secret.partition(":")[2]]
    return [p for p in parts if len(p) >= _MIN_SECRET_LENGTH]


def configure_logging(level: int = logging.INFO) -> RedactingFormatter:
    """Log to stderr through one redacting formatter; returns it to register secrets."""
    formatter = RedactingFormatter()
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; it is noise, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler announces every job it adds and runs: routine, not news.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # WeasyPrint and fontTools narrate every step of making a PDF at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    return formatter

