"""The phone-first layout with the real questionnaire: a compact header with one step and a
menu, the progress bar, the first screen of the welcome and of a field, and the field page."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from bot.resources import QUESTIONS_DIR
from tests.browser.conftest import PHONE, SCREENSHOTS, Server, check_accessible, serving

SMALL_PHONE: ViewportSize = {"width": 320, "height": 640}
SIZES = (PHONE, SMALL_PHONE)
HEADER_MAX = 130  # px: the name, the menu and one step; seven buttons took 152 and 228
FIELD_ONE = 14  # statements of field 1 in the real questionnaire
CHOICES = ("A · Trifft zu", "B · Trifft eher zu", "C · Trifft eher nicht zu",
           "D · Trifft nicht zu", "E · Keine Einschätzung möglich")


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving(Server(tmp_path_factory.mktemp("layout"), QUESTIONS_DIR))


def shot(name: str, size: ViewportSize) -> Path:
    """Where a screenshot goes: the README's at 390 px, the small phone's for looking at."""
    if size == PHONE:
        return SCREENSHOTS / f"{name}.png"
    return Path(tempfile.gettempdir()) / f"{name}-{size['width']}.png"


def phone(browser: Browser, size: ViewportSize, *, javascript: bool = True) -> BrowserContext:
    return browser.new_context(viewport=size, locale="de-DE", java_script_enabled=javascript)


def header_height(page: Page) -> float:
    box = page.locator("header.site").bounding_box()
    assert box is not None
    return box["height"]


def on_first_screen(page: Page, name: str, size: ViewportSize) -> None:
    """The button is entirely inside the viewport of a page opened at its top."""
    box = page.get_by_role("button", name=name, exact=True).bounding_box()
    assert box is not None, name
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (name, box)


def begin(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.get_by_role("button", name="▶️ Selbstcheck beginnen").click()
    expect(page.locator("progress")).to_have_attribute("value", "0")


def test_the_welcome_has_a_compact_header_and_its_start_button_on_the_first_screen(
        browser: Browser, full_server: Server, axe: object) -> None:
    for size in SIZES:
        context = phone(browser, size)
        try:
            page = context.new_page()
            page.goto(full_server.url)
            assert header_height(page) <= HEADER_MAX, (size, header_height(page))
            if size == PHONE:  # the phone; on 320×640 it sits just below the fold
                on_first_screen(page, "▶️ Selbstcheck beginnen", size)
            check_accessible(axe, page)
            page.screenshot(path=str(shot("browser-welcome", size)))
        finally:
            context.close()


def test_the_menu_opens_without_javascript_and_keeps_deleting_apart(
        browser: Browser, full_server: Server, axe: object) -> None:
    for size in SIZES:
        context = phone(browser, size, javascript=False)
        try:
            page = context.new_page()
            begin(page, full_server)
            menu = page.locator("header nav")
            expect(menu).to_be_hidden()
            page.get_by_text("Menü", exact=True).click()
            expect(menu).to_be_visible()
            labels = menu.get_by_role("button").all_inner_texts()
            assert labels[0] == "Weiter" and labels[-1] == "Daten löschen", labels
            # „Daten löschen“ comes last, below the links and a rule, far from „Weiter“
            weiter = menu.get_by_role("button", name="Weiter", exact=True).bounding_box()
            erase = menu.get_by_role("button", name="Daten löschen").bounding_box()
            assert weiter and erase and erase["y"] - weiter["y"] > 5 * weiter["height"]
            expect(menu.get_by_role("link", name="Alle Aussagen dieses Felds (1. Steuerung) "
                                                  "auf einer Seite")).to_be_visible()
            page.screenshot(path=str(shot("browser-menu", size)))
            menu.get_by_role("button", name="Hilfe").click()
            expect(page.locator("main")).to_contain_text("So funktioniert der Selbstcheck")
            expect(page.locator("header nav")).to_be_hidden()  # closed again on the new page
            # away from the statement, the header offers the one step back to it
            expect(page.locator("header").get_by_role(
                "button", name="Weiter mit Aussage 1.1")).to_be_visible()
            assert header_height(page) <= HEADER_MAX, (size, header_height(page))
        finally:
            context.close()
    # axe-core is a script: the open menu is checked where scripts run
    context = phone(browser, PHONE)
    try:
        page = context.new_page()
        begin(page, full_server)
        page.get_by_text("Menü", exact=True).click()
        expect(page.locator("header nav")).to_be_visible()
        check_accessible(axe, page)
    finally:
        context.close()


def test_the_progress_bar_moves_with_each_answer(browser: Browser, full_server: Server,
                                                 axe: object) -> None:
    for size in SIZES:
        context = phone(browser, size)
        try:
            page = context.new_page()
            begin(page, full_server)
            bar = page.locator("progress")
            expect(bar).to_have_attribute("max", "117")
            expect(bar).to_be_visible()
            assert header_height(page) <= HEADER_MAX, (size, header_height(page))
            text = page.locator(".progress p")
            expect(text).to_have_text("Aussage 1.1 · Feld 1 von 7 · gesamt 0/117")
            assert bar.get_attribute("aria-labelledby") == text.get_attribute("id")
            page.get_by_role("button", name="A · Trifft zu", exact=True).click()
            expect(bar).to_have_attribute("value", "1")
            expect(text).to_have_text("Aussage 1.2 · Feld 1 von 7 · gesamt 1/117")
            check_accessible(axe, page)
        finally:
            context.close()


def fill_field_page(page: Page, choices: dict[int, str]) -> None:
    """Choose on the field page: statement number (from 1) -> the choice's letter."""
    for number, key in choices.items():
        page.locator("fieldset").nth(number - 1).get_by_text(key, exact=True).click()
    page.get_by_role("button", name="Antworten speichern").click()


def test_a_fields_first_statement_has_a_to_e_on_the_first_screen(
        browser: Browser, full_server: Server, axe: object) -> None:
    context = phone(browser, PHONE)
    try:
        page = context.new_page()
        begin(page, full_server)
        # all but the field's last statement on its page, the last one tapped
        page.get_by_role("link", name=f"Alle {FIELD_ONE} Aussagen von Handlungsfeld 1").click()
        fill_field_page(page, {n: "B" for n in range(1, FIELD_ONE)})
        page.locator("header").get_by_role("button", name=f"Weiter mit Aussage 1.{FIELD_ONE}").click()
        page.get_by_role("button", name="A · Trifft zu", exact=True).click()
        main = page.locator("main")
        expect(main).to_contain_text("Handlungsfeld 1 abgeschlossen")
        expect(main).to_contain_text("Aussage 2.1 · Feld 2 von 7")
        introduction = page.locator("details.intro")
        expect(introduction).not_to_have_attribute("open", "")  # folded, one tap away
        for label in CHOICES:
            on_first_screen(page, label, PHONE)
        check_accessible(axe, page)
        page.screenshot(path=str(shot("browser-field-start", PHONE)))
        introduction.locator("summary").click()
        expect(introduction).to_contain_text("Dieses Handlungsfeld fragt")
    finally:
        context.close()


def test_the_field_page_saves_what_was_chosen_and_refuses_a_forged_value(
        browser: Browser, full_server: Server, axe: object) -> None:
    for size in SIZES:
        context = phone(browser, size)
        try:
            page = context.new_page()
            begin(page, full_server)
            page.locator("header details.menu > summary").click()
            page.get_by_role("link", name="Alle Aussagen dieses Felds").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Handlungsfeld 1: Management & Steuerung")
            groups = page.locator("fieldset")
            expect(groups).to_have_count(FIELD_ONE)
            # each statement a labelled radio group
            first = page.get_by_role("group", name="1.1 Der Rat bzw. Kreistag hat beschlossen",
                                     exact=False)
            expect(first.get_by_role("radio")).to_have_count(5)
            check_accessible(axe, page)
            page.locator("fieldset").nth(0).get_by_role("radio", name="B Trifft eher zu").check()
            page.locator("fieldset").nth(2).get_by_role("radio", name="E Keine Einschätzung möglich").check()
            page.screenshot(path=str(shot("browser-field-page", size)))
            page.get_by_role("button", name="Antworten speichern").click()
            expect(page.get_by_role("status")).to_have_text("Gespeichert: 2 Antworten in Handlungsfeld 1.")
            check_accessible(axe, page)
            page.reload()
            expect(page.get_by_role("status")).to_have_count(0)  # said once
            expect(groups.nth(0).get_by_role("radio", name="B Trifft eher zu")).to_be_checked()
            expect(groups.nth(2).get_by_role("radio", name="E Keine Einschätzung möglich")).to_be_checked()
            expect(groups.nth(1).get_by_role("radio", name="A Trifft zu")).not_to_be_checked()
            expect(page.locator(".progress p")).to_have_text(
                "Aussage 1.2 · Feld 1 von 7 · gesamt 2/117")  # the open statement comes next
            # a forged value: refused as a whole, politely, and nothing of it stored
            groups.nth(1).get_by_role("radio", name="A Trifft zu").check()
            page.evaluate("document.querySelectorAll('fieldset')[3]"
                          ".querySelector('input[value=\"A\"]').value = 'Z'")
            groups.nth(3).get_by_role("radio", name="A Trifft zu").check()
            page.get_by_role("button", name="Antworten speichern").click()
            expect(page.get_by_role("alert")).to_contain_text("Es wurde nichts gespeichert")
            check_accessible(axe, page)
            expect(groups.nth(1).get_by_role("radio", name="A Trifft zu")).not_to_be_checked()
            page.goto(full_server.url)
            expect(page.locator(".progress p")).to_have_text(
                "Aussage 1.2 · Feld 1 von 7 · gesamt 2/117")
        finally:
            context.close()
