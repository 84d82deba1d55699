"""The commands, one table for every channel: each command's name and the action it stands for.

A chat offers every command, in its menu and in /hilfe; a page offers those
``in_navigation`` in its navigation and its help, and takes ``abbrechen`` as
well (a page's own buttons send it). The descriptions are texts
(``command.<name>`` in ``reports/texts.toml``). A channel reads a command
and asks :func:`action` what it means, so a command added here reaches
every channel at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flows.actions import (
    Action,
    CancelRequest,
    EraseRequest,
    Help,
    PrivacyStatement,
    ReportRequest,
    Resume,
    ShowResults,
    Start,
    WorkshopCommand,
)
from bot.flows.invitations import read_payload
from bot.output.render import Renderer


@dataclass(frozen=True)
class Given:
    """A command as a channel received it: what followed its name, and where."""

    argument: str = ""
    on_page: bool = False  # from a page (its help lists the navigation), else in a chat


@dataclass(frozen=True)
class Command:
    name: str
    action: Callable[[Given], Action]
    in_navigation: bool = True  # offered on a page too, not only in a chat
    on_pages: bool = True  # taken from a page


def _help(given: Given) -> Help:
    return Help(navigation() if given.on_page else everywhere())


# In this order in a chat's command menu, in /hilfe and in a page's navigation:
# the self-check, its results, the workshop, then help and privacy.
COMMANDS: tuple[Command, ...] = (
    # On a page, arriving is the start; a page's "Weiter" shows where a person stands.
    Command("start", lambda given: Start(read_payload(given.argument)), in_navigation=False,
            on_pages=False),
    Command("weiter", lambda given: Resume()),
    Command("ergebnis", lambda given: ShowResults()),
    Command("bericht", lambda given: ReportRequest()),
    Command("workshop", lambda given: WorkshopCommand(given.argument)),
    Command("abbrechen", lambda given: CancelRequest(), in_navigation=False),
    Command("hilfe", _help),
    Command("datenschutz", lambda given: PrivacyStatement()),
    Command("loeschen", lambda given: EraseRequest()),
)
# Accepted in a chat as well, but not advertised.
ALIASES: dict[str, str] = {"help": "hilfe"}
_BY_NAME = {command.name: command for command in COMMANDS}


def everywhere() -> tuple[str, ...]:
    """Every command's name: what a chat offers."""
    return tuple(command.name for command in COMMANDS)


def navigation() -> tuple[str, ...]:
    """The commands a page's navigation offers, in order."""
    return tuple(command.name for command in COMMANDS if command.in_navigation)


def names() -> tuple[str, ...]:
    """Every name a chat takes as a command, aliases included."""
    return (*everywhere(), *ALIASES)


def action(name: str, given: Given | None = None) -> Action | None:
    """What command ``name`` (or an alias in a chat) means; ``None`` for one the channel
    does not take."""
    given = given or Given()
    command = _BY_NAME.get(name if given.on_page else ALIASES.get(name, name))
    if command is None or (given.on_page and not command.on_pages):
        return None
    return command.action(given)


def descriptions(renderer: Renderer, listed: tuple[str, ...]) -> dict[str, str]:
    """Command name -> German description, for a menu or the help."""
    return {name: renderer.text(f"command.{name}") for name in listed}
