"""Setting a workshop up in the browser: no field chosen at first, the grouping and the people
expected, the forecast of the shown groups, and the primary step that looks like one (k = 3)."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import SCREENSHOTS, Server, check_accessible, from_menu

EXPECTED = {"Verwaltung: Integration": 2, "Ausländerbehörde": 1, "Politik": 3,
            "Zivilgesellschaft / Wohlfahrt": 2, "Migrant*innenorganisation / Integrationsbeirat": 1}
ACCENT = "rgb(11, 79, 138)"


def press(page: Page, name: str | re.Pattern[str]) -> None:
    page.get_by_role("button", name=name).click()


def test_the_set_up_forecasts_the_groups_before_anybody_joins(
        context: BrowserContext, server: Server, axe: object) -> None:
    page = context.new_page()
    page.goto(server.url)
    from_menu(page, "Workshop")
    page.get_by_label("Name der Kommune").fill("Musterstadt")
    press(page, "Weiter zu den Handlungsfeldern")
    main = page.locator("main")
    expect(main).to_contain_text("Noch ist kein Handlungsfeld gewählt.")
    expect(page.get_by_label("Name")).to_have_count(0)  # nothing of the previous step stays
    expect(page.get_by_role("button", name="Weiter zu den Handlungsfeldern")).to_have_count(0)
    expect(main).to_contain_text("empfehlen wir zwei oder drei Handlungsfelder")
    check_accessible(axe, page)
    press(page, re.compile(r"^▫️ 1\. "))
    press(page, re.compile(r"^▫️ 2\. "))
    expect(main).to_contain_text("Gewählt: 2 von 3 Handlungsfeldern")
    press(page, re.compile("Weiter: Gruppen"))
    expect(main).to_contain_text("Gruppen und Teilnehmende")
    expect(page.get_by_label("Name")).to_have_count(0)

    expect(page.get_by_role("button", name=re.compile("^➕"))).to_have_count(0)  # number fields
    for label, people in EXPECTED.items():
        page.get_by_label(label, exact=True).fill(str(people))
    press(page, "Vorschau aktualisieren")
    expect(page.get_by_label("Politik", exact=True)).to_have_value("3")
    expect(main).to_contain_text("Erwartet: 9 Personen.")
    expect(main).to_contain_text("Voraussichtlich gezeigt: Politik (3) · weitere Perspektiven (6)")
    press(page, re.compile("Vier Bereiche"))
    expect(main).to_contain_text(
        "Voraussichtlich gezeigt: Verwaltung (3) · Politik (3) · Zivilgesellschaft (3)")
    create = page.get_by_role("button", name="Workshop anlegen")
    expect(create).to_have_class("primary")
    expect(create).to_have_css("background-color", ACCENT)
    expect(page.get_by_role("button", name=re.compile("Vier Bereiche"))).not_to_have_css(
        "background-color", ACCENT)  # the choices are outlined, the step is filled
    check_accessible(axe, page)
    page.screenshot(path=str(SCREENSHOTS / "browser-workshop-groups.png"), full_page=True)

    create.click()
    expect(main).to_contain_text("ist angelegt")
    expect(main).to_contain_text("Gruppen: vier Bereiche")
    check_accessible(axe, page)
