"""One table of commands for every channel: what each name means in a chat and on a page."""

from __future__ import annotations

from bot.flows import commands
from bot.flows.actions import (
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
from bot.flows.commands import Given
from bot.flows.invitations import UnknownPayload, WorkshopInvitation

TOKEN = "A" * 22
CHAT_MENU = ("start", "weiter", "ergebnis", "bericht", "workshop", "abbrechen", "hilfe",
             "datenschutz", "loeschen")
NAVIGATION = ("weiter", "ergebnis", "bericht", "workshop", "hilfe", "datenschutz", "loeschen")


def test_a_chat_takes_every_command_and_its_alias() -> None:
    assert commands.everywhere() == CHAT_MENU
    assert commands.names() == (*CHAT_MENU, "help")
    in_chat = {name: commands.action(name) for name in CHAT_MENU}
    assert in_chat == {
        "start": Start(None), "weiter": Resume(), "ergebnis": ShowResults(),
        "bericht": ReportRequest(), "workshop": WorkshopCommand(""),
        "abbrechen": CancelRequest(), "hilfe": Help(CHAT_MENU),
        "datenschutz": PrivacyStatement(), "loeschen": EraseRequest()}
    assert commands.action("help") == Help(CHAT_MENU)
    assert commands.action("unbekannt") is None


def test_what_follows_a_command_reaches_its_action() -> None:
    assert commands.action("workshop", Given("Bad Kleinstadt")) == WorkshopCommand("Bad Kleinstadt")
    assert commands.action("start", Given(f"w_{TOKEN}")) == Start(WorkshopInvitation(TOKEN))
    assert commands.action("start", Given(f"w_{TOKEN} mehr")) == Start(UnknownPayload())
    assert commands.action("start", Given("x_kaputt")) == Start(UnknownPayload())


def test_a_page_offers_its_navigation_and_takes_abbrechen_but_not_start() -> None:
    on_page = Given(on_page=True)
    assert commands.navigation() == NAVIGATION
    assert commands.action("hilfe", on_page) == Help(NAVIGATION)
    assert commands.action("abbrechen", on_page) == CancelRequest()
    assert commands.action("start", on_page) is None
    assert commands.action("help", on_page) is None  # aliases are for typing in a chat
