"""Paper sheets in the browser: the coordinator types a sheet in on a form of its own."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from bot.domain.paper import new_code, printed
from tests.browser.conftest import SCREENSHOTS, Server, check_accessible, from_menu


def test_a_coordinator_types_a_paper_sheet_in(context: BrowserContext, server: Server,
                                              axe: object) -> None:
    coordinator: Page = context.new_page()
    coordinator.goto(server.url)
    from_menu(coordinator, "Workshop")
    coordinator.get_by_label("Name der Kommune").fill("Papierstadt")
    coordinator.get_by_role("button", name="Weiter zu den Handlungsfeldern").click()
    coordinator.get_by_role("button", name="Alle Handlungsfelder").click()
    coordinator.get_by_role("button", name=re.compile("Weiter: Gruppen")).click()
    coordinator.get_by_role("button", name="Workshop anlegen").click()
    coordinator.get_by_role("link", name="Papierbögen eintippen").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Papierbögen eintippen")
    check_accessible(axe, coordinator)

    code = new_code()
    coordinator.get_by_label("Bogen-Code").fill(printed(code))
    coordinator.get_by_role("radio", name="Bildung").check()
    statements = coordinator.locator("fieldset.statement")
    expect(statements).to_have_count(7)
    for number in range(6):  # the seventh is left out
        statements.nth(number).get_by_role("radio", name=re.compile("^B")).check()
    coordinator.get_by_role("button", name="Bogen speichern").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("noch nicht vollständig")
    expect(coordinator.locator("#s7-problem")).to_be_visible()
    expect(coordinator.get_by_label("Bogen-Code")).to_have_value(printed(code))
    check_accessible(axe, coordinator)
    coordinator.screenshot(path=str(SCREENSHOTS / "paper-entry-390.png"), full_page=True)

    statements.nth(6).get_by_role("radio", name=re.compile("^E")).check()
    coordinator.get_by_role("button", name="Bogen speichern").click()
    expect(coordinator.get_by_role("status")).to_have_text(
        f"Bogen {printed(code)} ist gespeichert. Der nächste Bogen kann folgen.")
    expect(coordinator.locator("main")).to_contain_text("Bisher eingetragen: 1 Bogen")
    check_accessible(axe, coordinator)

    coordinator.get_by_label("Bogen-Code").fill(code.lower())  # the same sheet again
    coordinator.get_by_role("radio", name="Politik").check()
    for number in range(7):
        statements.nth(number).get_by_role("radio", name=re.compile("^A")).check()
    coordinator.get_by_role("button", name="Bogen speichern").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("bereits eingetragen")
    expect(coordinator.locator("main")).to_contain_text("Bisher eingetragen: 1 Bogen")
