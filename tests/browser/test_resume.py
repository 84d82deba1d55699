"""Story: pause, read the resume code, type it in a fresh browser, go on where one stood."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS, Server, answer, check_accessible

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")  # no I, L, O, U


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 320, "height": 640}],
                         ids=["390x844", "320x640"])
def test_the_resume_code_moves_the_person_to_a_fresh_browser(
        browser: Browser, server: Server, axe: object, size: dict[str, int]) -> None:
    first = browser.new_context(viewport=size, locale="de-DE")
    fresh = browser.new_context(viewport=size, locale="de-DE")
    try:
        first.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        page = first.new_page()
        page.goto(server.url)
        page.get_by_role("button", name="Selbstcheck beginnen").click()
        answer(page, "A · Trifft zu", 2)
        page.get_by_role("button", name="Pause").click()
        main = page.locator("main")
        expect(main).to_contain_text("So machen Sie später weiter")
        code = page.locator("#resume-code").inner_text()
        assert CODE.match(code), code
        page.get_by_role("button", name="Code kopieren").click()
        expect(main).to_contain_text("Code kopiert")
        fits(page, size["width"])
        check_accessible(axe, page)
        if size["width"] == 390:
            page.screenshot(path=str(SCREENSHOTS / "browser-resume-code.png"), full_page=True)

        phone = fresh.new_page()
        phone.goto(server.url)
        expect(phone.locator("main")).to_contain_text("Schon auf einem anderen Gerät begonnen?")
        check_accessible(axe, phone)  # the welcome with its form
        field = phone.get_by_label("Fortsetzungscode")
        field.fill("K7QM-4XRT-9WHC-2PDF")  # somebody else's, or a slip
        phone.get_by_role("button", name="Mit dem Code fortsetzen").click()
        error = phone.locator("#code-error")
        expect(error).to_contain_text("Zu diesem Code sind keine Angaben gespeichert")
        expect(phone.get_by_label("Fortsetzungscode")).to_have_attribute("aria-invalid", "true")
        fits(phone, size["width"])
        check_accessible(axe, phone)  # the error next to the field
        phone.get_by_label("Fortsetzungscode").fill(code.lower().replace("-", " "))
        phone.get_by_role("button", name="Mit dem Code fortsetzen").click()
        # where the person stood: the third statement, two answers given
        expect(phone.locator("main")).to_contain_text("gesamt 2/7")
        expect(phone.locator("main")).to_contain_text("Die Zuständigkeiten sind klar geregelt.")
        check_accessible(axe, phone)
        answer(phone, "B · Trifft eher zu", 1)  # the field's last: its end says how to come back
        expect(phone.locator("main")).to_contain_text("So machen Sie später weiter")
        renewed = phone.locator("#resume-code").inner_text()
        assert CODE.match(renewed) and renewed != code
        fits(phone, size["width"])
        check_accessible(axe, phone)

        phone.goto(server.url + "/fortsetzen")  # the code, the link and the form for another
        expect(phone.locator("#resume-code")).to_have_text(renewed)
        fits(phone, size["width"])
        check_accessible(axe, phone)

        # the old browser holds nobody any more
        page.goto(server.url)
        expect(page.locator("main")).to_contain_text("Willkommen zum Selbstcheck")
    finally:
        first.close()
        fresh.close()


def test_without_javascript_the_code_is_plain_text_and_typing_it_works(
        browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="de-DE",
                                  java_script_enabled=False)
    other = browser.new_context(viewport={"width": 320, "height": 640}, locale="de-DE",
                                java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url)
        page.get_by_role("button", name="Selbstcheck beginnen").click()
        answer(page, "C · Trifft eher nicht zu", 1)
        page.goto(server.url + "/fortsetzen")
        code = page.locator("#resume-code").inner_text()
        assert CODE.match(code)
        expect(page.get_by_role("button", name="Code kopieren")).to_be_hidden()
        expect(page.locator(".continue-link a")).to_be_visible()
        phone = other.new_page()
        phone.goto(server.url + "/fortsetzen")
        phone.get_by_label("Fortsetzungscode").fill(code)
        phone.get_by_role("button", name="Mit dem Code fortsetzen").click()
        expect(phone.locator("main")).to_contain_text("gesamt 1/7")
    finally:
        context.close()
        other.close()
