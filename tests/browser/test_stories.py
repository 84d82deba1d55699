"""Stories in a real browser: the personal self-check from the welcome to deletion."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PHONE, SCREENSHOTS, Server, answer, check_accessible, from_menu

STATEMENTS = 7  # in the small test questionnaire
CHOICE = re.compile(r"^(✅ )?[A-E] · ")


def begin(page: Page, server: Server) -> None:
    page.goto(server.url)
    expect(page.locator("main")).to_contain_text("Willkommen zum Selbstcheck")
    page.get_by_role("button", name="Selbstcheck beginnen").click()
    expect(page.locator("main")).to_contain_text("gesamt 0/7")


def test_a_whole_self_check_with_result_chart_and_pdf(context: BrowserContext, server: Server,
                                                      axe: object) -> None:
    page = context.new_page()
    page.goto(server.url)
    check_accessible(axe, page)  # the welcome
    begin(page, server)
    check_accessible(axe, page)  # a statement
    main = page.locator("main")
    expect(main).to_contain_text("Der Rat hat einen Beschluss zur Integrationsarbeit gefasst.")
    # five large answer buttons, the explanation, pause
    for key, label in zip("ABCDE", ("Trifft zu", "Trifft eher zu", "Trifft eher nicht zu",
                                    "Trifft nicht zu", "Keine Einschätzung möglich")):
        expect(page.get_by_role("button", name=f"{key} · {label}", exact=True)).to_be_visible()
    box = page.get_by_role("button", name="A · Trifft zu", exact=True).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.8
    page.screenshot(path=str(SCREENSHOTS / "browser-statement.png"))
    page.get_by_role("button", name="Erläuterung").click()
    expect(main).to_contain_text("Gemeint ist ein förmlicher Beschluss des Rates.")

    answer(page, "A · Trifft zu", 2)
    answer(page, "B · Trifft eher zu", 1)
    expect(main).to_contain_text("Handlungsfeld 1 abgeschlossen")  # the interim note
    check_accessible(axe, page)
    answer(page, "C · Trifft eher nicht zu", STATEMENTS - 3)

    expect(main).to_contain_text("Sie haben alle Aussagen beantwortet")
    chart = page.get_by_role("img")
    expect(chart).to_have_count(1)
    alt = chart.get_attribute("alt") or ""
    assert "Steuerung" in alt and "%" in alt, alt  # the chart's values as text
    assert page.evaluate("document.querySelector('main img').naturalWidth") > 300
    expect(main).to_contain_text("Überarbeiten Sie die Stellenanzeigen.")  # a suggestion
    check_accessible(axe, page)
    page.screenshot(path=str(SCREENSHOTS / "browser-result.png"), full_page=True)

    page.get_by_role("button", name="Bericht als PDF").click()
    expect(main).to_contain_text("Name Ihrer Kommune")
    check_accessible(axe, page)
    page.get_by_label("Name Ihrer Kommune").fill("Stadt Musterstadt")
    page.get_by_role("button", name="Namen übernehmen").click()
    link = page.get_by_role("link", name=re.compile(r"Herunterladen: .*Musterstadt.*\.pdf"))
    expect(link).to_be_visible()
    check_accessible(axe, page)
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert path is not None and open(path, "rb").read(5) == b"%PDF-"


def test_pause_and_continue_in_a_fresh_browser_with_the_private_link(
        browser: object, context: BrowserContext, server: Server, axe: object) -> None:
    page = context.new_page()
    begin(page, server)
    answer(page, "A · Trifft zu", 2)
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("main")).to_contain_text("„Weiter“")  # not Telegram's /weiter
    check_accessible(axe, page)
    page.get_by_role("link", name="Auf einem anderen Gerät fortsetzen").click()
    check_accessible(axe, page)
    link = page.locator(".continue-link a").get_attribute("href")
    assert link and re.fullmatch(re.escape(server.url) + r"/weiter/[A-Za-z0-9_.-]{32,64}", link)
    expect(page.get_by_role("img", name="QR-Code mit Ihrem privaten Fortsetzungslink")).to_be_visible()

    other = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    try:
        phone = other.new_page()
        phone.goto(link)
        expect(phone.locator("main")).to_contain_text("gesamt 2/7")
        expect(phone.locator("main")).to_contain_text("Die Zuständigkeiten sind klar geregelt.")
        answer(phone, "D · Trifft nicht zu", 1)
        # the person has moved: the first browser holds nobody now, and the old link is spent
        page.goto(server.url)
        expect(page.locator("main")).to_contain_text("Willkommen zum Selbstcheck")
        page.goto(server.url + "/fortsetzen")
        expect(page.locator("main")).to_contain_text("Bis dahin ist nichts von Ihnen gespeichert.")
        check_accessible(axe, page)
        phone.goto(link)
        expect(phone.locator("main")).to_contain_text("nicht (mehr) gültig")
        check_accessible(axe, phone)
        phone.goto(server.url + "/fortsetzen")
        renewed = phone.locator(".continue-link a").get_attribute("href")
        assert renewed and renewed != link
        # a browser holding answers of its own asks before it switches
        begin(page, server)
        answer(page, "A · Trifft zu", 1)
        page.goto(renewed)
        main = page.locator("main")
        expect(main).to_contain_text("Zu anderen Angaben wechseln?")
        expect(main).to_contain_text("1 Antwort")
        expect(main).to_contain_text("3 Antworten")
        check_accessible(axe, page)
        page.screenshot(path=str(SCREENSHOTS / "browser-switch.png"), full_page=True)
        page.get_by_role("button", name="Zu den Angaben hinter dem Link wechseln").click()
        expect(main).to_contain_text("gesamt 3/7")
    finally:
        other.close()


def test_change_an_answer_and_the_result_follows(context: BrowserContext, server: Server,
                                                 axe: object) -> None:
    page = context.new_page()
    begin(page, server)
    answer(page, "B · Trifft eher zu", STATEMENTS)
    main = page.locator("main")
    expect(main).to_contain_text("Auf gutem Weg · 67 %")
    page.get_by_role("button", name="Antworten ändern").click()
    check_accessible(axe, page)
    page.get_by_role("button", name="1 · Steuerung").click()
    page.get_by_role("radio", name=re.compile(r"^1\.1 ")).check()  # a form, not a grid
    page.get_by_role("radio", name="A · Trifft zu", exact=True).check()
    check_accessible(axe, page)
    page.screenshot(path=str(SCREENSHOTS / "browser-change-form.png"), full_page=True)
    page.get_by_role("button", name="Antwort ändern").click()
    expect(main).to_contain_text("Geändert: 1.1")
    from_menu(page, "Ergebnis")
    expect(main).to_contain_text("Etablierte Stärke · 78 %")


def test_a_second_run_is_compared_with_the_first(context: BrowserContext, server: Server,
                                                 axe: object) -> None:
    page = context.new_page()
    begin(page, server)
    answer(page, "C · Trifft eher nicht zu", STATEMENTS)
    from_menu(page, "Weiter")
    page.get_by_role("button", name="Neuen Durchgang beginnen").click()
    answer(page, "A · Trifft zu", STATEMENTS)
    main = page.locator("main")
    expect(main).to_contain_text("Prozentpunkte seit Ihrem Durchgang vom")
    check_accessible(axe, page)


def test_delete_my_data(context: BrowserContext, server: Server, axe: object) -> None:
    page = context.new_page()
    begin(page, server)
    answer(page, "A · Trifft zu", 1)
    page.get_by_role("link", name="Auf einem anderen Gerät fortsetzen").click()
    link = page.locator(".continue-link a").get_attribute("href")
    assert link
    from_menu(page, "Daten löschen")
    check_accessible(axe, page)
    page.get_by_role("button", name="Ja, alle meine Daten löschen").click()
    expect(page.locator("main")).to_contain_text("gelöscht")
    check_accessible(axe, page)
    assert not [c for c in context.cookies() if c["name"] == "selbstcheck"]
    page.goto(server.url)
    expect(page.locator("main")).to_contain_text("Willkommen zum Selbstcheck")
    page.goto(link)
    expect(page.locator("main")).to_contain_text("nicht (mehr) gültig")


def test_information_pages_keyboard_and_narrow_screens(context: BrowserContext, server: Server,
                                                       axe: object) -> None:
    page = context.new_page()
    for path, heading in (("/datenschutz", "Datenschutz"), ("/ueber", "Über diesen Selbstcheck"),
                          ("/barrierefreiheit", "Erklärung zur Barrierefreiheit")):
        page.goto(server.url + path)
        expect(page.locator("main")).to_contain_text(heading)
        check_accessible(axe, page)
    expect(page.locator("main")).to_contain_text("datenschutz@musterstadt.example")
    # keyboard only: skip link, then the welcome's button, with a visible focus
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    focused = page.get_by_role("button", name="Selbstcheck beginnen")
    for _ in range(3):
        page.keyboard.press("Tab")
        if focused.evaluate("element => element === document.activeElement"):
            break
    expect(focused).to_be_focused()
    assert focused.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("gesamt 0/7")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_accessible(axe, page)
