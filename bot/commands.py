"""The bot's commands: one table feeds ``set_my_commands`` and ``/hilfe``."""

from __future__ import annotations

from bot.render import Renderer

COMMANDS: tuple[str, ...] = ("start", "weiter", "ergebnis", "hilfe", "abbrechen", "datenschutz",
                             "loeschen")
# Accepted as well, but not advertised.
ALIASES: tuple[str, ...] = ("help",)


def command_descriptions(renderer: Renderer) -> dict[str, str]:
    """Command name -> German description, from ``reports/texts.toml``."""
    return {name: renderer.text(f"command.{name}") for name in COMMANDS}
