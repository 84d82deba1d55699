"""The bot's commands: one table feeds ``set_my_commands`` and ``/hilfe``."""

from __future__ import annotations

from bot.output.render import Renderer

# In this order in Telegram's command menu and in /hilfe: the self-check, its
# results, the workshop, then help and privacy.
COMMANDS: tuple[str, ...] = ("start", "weiter", "ergebnis", "bericht", "workshop", "abbrechen",
                             "hilfe", "datenschutz", "loeschen")
# Accepted as well, but not advertised.
ALIASES: tuple[str, ...] = ("help",)


def command_descriptions(renderer: Renderer) -> dict[str, str]:
    """Command name -> German description, from ``reports/texts.toml``."""
    return {name: renderer.text(f"command.{name}") for name in COMMANDS}
