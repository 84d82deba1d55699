"""Configuration from the environment, checked before anything starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"


class ConfigError(Exception):
    """The environment does not describe a runnable bot."""


@dataclass(frozen=True)
class Settings:
    token: str
    database: str = "selbstcheck.db"
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL

    def __repr__(self) -> str:  # the token must never reach a log
        return (f"Settings(token='***', database={self.database!r}, "
                f"base_url={self.base_url!r}, base_file_url={self.base_file_url!r})")


def settings_from_env(environ: Mapping[str, str] = os.environ) -> Settings:
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN ist nicht gesetzt: bitte das Token von "
                          "@BotFather als Umgebungsvariable angeben.")
    return Settings(
        token=token,
        database=environ.get("SELBSTCHECK_DB", "").strip() or "selbstcheck.db",
        base_url=environ.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL,
        base_file_url=environ.get("TELEGRAM_BASE_FILE_URL", "").strip() or DEFAULT_BASE_FILE_URL,
    )
