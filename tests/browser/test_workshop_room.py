"""The room's findings in a real browser on a phone (390 × 844): the administration's own
view beside the room, the shared low statements, the dialogue plan – each page axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import SCREENSHOTS, Server, answer, check_accessible, from_menu
from tests.browser.test_workshop import take_part

# Both groups rate everything low, five a group (k = 3). With only three, a noisy count of
# "cannot judge" above zero (a third of the cells) leaves fewer than three raters, the cell
# shows no value and the statement is not shared: in one release of twenty none was. With
# five, a release without a shared low statement is rarer than one in a million.
PEOPLE = (("Politik", "D · Trifft nicht zu"),) * 5 + (("Bildung", "D · Trifft nicht zu"),) * 5


def open_menu(page: Page) -> None:
    from_menu(page, "Workshop")
    page.get_by_role("button", name=re.compile("Musterstadt")).click()


def test_the_administrations_view_shared_work_and_the_dialogue_plan_on_a_phone(
        browser: Browser, context: BrowserContext, server: Server, axe: object) -> None:
    coordinator: Page = context.new_page()
    coordinator.goto(server.url)
    main = coordinator.locator("main")
    coordinator.get_by_role("button", name="Selbstcheck beginnen").click()
    answer(coordinator, "A · Trifft zu", 7)  # the administration's own self-check first
    from_menu(coordinator, "Workshop")
    coordinator.get_by_label("Name der Kommune").fill("Musterstadt")
    coordinator.get_by_role("button", name="Weiter zu den Handlungsfeldern").click()
    coordinator.get_by_role("button", name="Alle Handlungsfelder").click()
    coordinator.get_by_role("button", name=re.compile("Weiter: Gruppen")).click()
    coordinator.get_by_role("button", name="Workshop anlegen").click()
    link = re.findall(re.escape(server.url) + r"/w/[A-Za-z0-9_-]{22}", main.inner_text())[0]

    coordinator.get_by_role("button", name="Sicht der Verwaltung").click()
    expect(main).to_contain_text("Diese Spalte ist nicht anonym")
    check_accessible(axe, coordinator)
    coordinator.get_by_role("button", name="Ja, als Referenz zeigen").click()
    expect(main).to_contain_text("steht jetzt als Referenz")

    for perspective, choice in PEOPLE:
        take_part(browser, link, perspective, choice, axe, check=False)
    open_menu(coordinator)
    coordinator.get_by_role("button", name="Workshop schließen").click()
    coordinator.get_by_role("button", name="Ja, Workshop schließen").click()
    coordinator.get_by_role("button", name="📊 Ergebnis", exact=True).click()
    expect(main).to_contain_text("Referenz – Selbsteinschätzung der Verwaltung")
    expect(main).to_contain_text("Gemeinsame Baustellen")
    expect(main).to_contain_text("Sicht der Verwaltung und Sicht des Raums")
    check_accessible(axe, coordinator)
    coordinator.get_by_text("Gemeinsame Baustellen").evaluate(
        "heading => heading.scrollIntoView({block: 'start'})")
    coordinator.screenshot(path=str(SCREENSHOTS / "browser-workshop-shared.png"))
    # which statements are shown depends on the released noise: the first shared low one
    coordinator.get_by_role("button", name=re.compile(r"Schritt zu \d\.\d eintragen")).first.click()
    expect(main).to_contain_text("Zur gemeinsamen Baustelle")
    check_accessible(axe, coordinator)

    open_menu(coordinator)
    coordinator.get_by_role("button", name="Dialogveranstaltung planen").click()
    expect(main).to_contain_text("Fragen für das Gespräch")
    expect(main).to_contain_text("Wen Sie einladen")
    expect(main).not_to_contain_text(re.compile("Telegram|Chat|Bot"))
    check_accessible(axe, coordinator)
    coordinator.screenshot(path=str(SCREENSHOTS / "browser-workshop-dialogue.png"))
