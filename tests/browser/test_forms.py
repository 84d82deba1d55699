"""What the flows ask for, asked with form fields: typed values, boxes, a way back.

Each story runs on a phone (390×844) and on the narrowest screen (320×640):
an agreed step typed into three fields and found in the workshop's PDF, the
report's name typed into a field, next steps chosen with boxes (a fourth is
refused next to them). A refused value is said next to its field, tied to it
for screen readers, and kept; axe-core checks every form page.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import PHONE, SCREENSHOTS, Server, answer, check_accessible, from_menu

SCREENS = {"390x844": PHONE, "320x640": {"width": 320, "height": 640}}
STATEMENTS = 7


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def phone(browser: Browser, screen: str) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=SCREENS[screen], locale="de-DE")
    yield opened
    opened.close()


def shoot(page: Page, screen: str, name: str) -> None:
    """The README's screenshot, made on the phone."""
    if screen == "390x844":
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits(page: Page, screen: str) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]


def refused_beside(page: Page, control: Locator, words: str) -> None:
    """``control`` is marked invalid and described by the error next to it, which says ``words``."""
    expect(control).to_have_attribute("aria-invalid", "true")
    described = (control.get_attribute("aria-describedby") or "").split()
    errors = [page.locator(f"#{id_}") for id_ in described if id_.endswith("-error")]
    assert errors, described
    expect(errors[0]).to_contain_text(words)
    expect(errors[0]).to_be_visible()


def finish(page: Page, server: Server, choice: str = "C · Trifft eher nicht zu") -> None:
    page.goto(server.url)
    page.get_by_role("button", name="Selbstcheck beginnen").click()
    expect(page.locator("main")).to_contain_text("gesamt 0/7")
    answer(page, choice, STATEMENTS)
    expect(page.locator("main")).to_contain_text("Sie haben alle Aussagen beantwortet")


def take_part(browser: Browser, link: str) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(link)
        page.get_by_role("radio", name="Politik", exact=True).check()
        page.get_by_role("button", name="Perspektive wählen").click()
        expect(page.locator("main")).to_contain_text("gesamt 0/7")
        answer(page, "A · Trifft zu", STATEMENTS)
    finally:
        context.close()


def test_an_agreed_step_typed_into_fields_is_in_the_workshops_pdf(
        browser: Browser, phone: BrowserContext, screen: str, server: Server, axe: object,
        tmp_path: object) -> None:
    page = phone.new_page()
    main = page.locator("main")
    page.goto(server.url)
    from_menu(page, "Workshop")
    name = page.get_by_label("Name der Kommune")
    name.fill("Musterstadt")
    page.get_by_role("button", name="Weiter zu den Handlungsfeldern").click()
    page.get_by_role("button", name="Alle Handlungsfelder").click()
    page.get_by_role("button", name=re.compile("Weiter: Gruppen")).click()
    page.get_by_role("button", name="Workshop anlegen").click()
    link = re.findall(re.escape(server.url) + r"/w/[A-Za-z0-9_-]{22}", main.inner_text())[0]
    for _ in range(3):  # k = 3: a released result for one perspective
        take_part(browser, link)
    page.goto(server.url)
    from_menu(page, "Workshop")
    page.get_by_role("button", name=re.compile("Musterstadt")).click()
    page.get_by_role("button", name="Stand").click()
    page.get_by_role("button", name="Zwischenstand freigeben").click()
    page.get_by_role("button", name="Menü").last.click()
    page.get_by_role("button", name="Vereinbarte Schritte").click()
    page.get_by_role("button", name="Schritt eintragen").click()

    what, who, due = (page.get_by_label(label) for label in
                      ("Was wird getan?", "Wer übernimmt es?", "Bis wann?"))
    expect(main).not_to_contain_text(re.compile("Nachricht|Zeilen|Chat"))
    expect(what).to_have_attribute("maxlength", "200")
    assert what.evaluate("element => element.tagName") == "TEXTAREA"  # room for a longer text
    expect(due).to_have_attribute("maxlength", "40")
    expect(page.get_by_text("Zum Beispiel: Mehrsprachige Infoblätter für die Kitas")).to_be_visible()
    check_accessible(axe, page)
    what.fill("Ok")
    who.fill("Jugendamt mit dem Integrationsbeirat")
    page.get_by_role("button", name="Schritt speichern").click()
    refused_beside(page, page.get_by_label("Was wird getan?"), "mindestens 3 Zeichen")
    refused_beside(page, page.get_by_label("Bis wann?"), "Bitte füllen Sie dieses Feld aus.")
    expect(page.get_by_label("Wer übernimmt es?")).to_have_value(
        "Jugendamt mit dem Integrationsbeirat")  # kept
    expect(page.get_by_role("button", name="Abbrechen, zurück zu den Schritten")).to_be_visible()
    check_accessible(axe, page)
    fits(page, screen)
    shoot(page, screen, "browser-step-form")
    page.get_by_label("Was wird getan?").fill("Mehrsprachige Infoblätter für die Kitas")
    page.get_by_label("Bis wann?").fill("bis Juni 2027")
    page.get_by_role("button", name="Schritt speichern").click()
    expect(main).to_contain_text("Mehrsprachige Infoblätter für die Kitas")
    expect(main).to_contain_text("Wer: Jugendamt mit dem Integrationsbeirat · Bis: bis Juni 2027")

    page.get_by_role("button", name="Menü").last.click()
    page.get_by_role("button", name="Bericht als PDF").click()
    download_link = page.get_by_role("link", name=re.compile(r"Herunterladen: .*\.pdf"))
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        download_link.click()
    path = download.value.path()
    assert path is not None
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Vereinbarte nächste Schritte" in text
    assert "Mehrsprachige Infoblätter für die Kitas" in text and "bis Juni 2027" in text


def test_the_reports_name_typed_into_a_field(phone: BrowserContext, screen: str,
                                              server: Server, axe: object) -> None:
    page = phone.new_page()
    finish(page, server)
    page.get_by_role("button", name="Bericht als PDF").click()
    field = page.get_by_label("Name Ihrer Kommune")
    expect(page.locator("main")).not_to_contain_text(re.compile("Nachricht|Chat"))
    check_accessible(axe, page)
    field.fill("12")
    field.press("Enter")  # Enter sends the form with its own button, not the way back
    refused_beside(page, page.get_by_label("Name Ihrer Kommune"), "2 bis 80 Zeichen")
    expect(page.get_by_label("Name Ihrer Kommune")).to_have_value("12")
    expect(page.get_by_role("button", name="Überspringen")).to_be_visible()  # a way on without
    check_accessible(axe, page)
    fits(page, screen)
    shoot(page, screen, "browser-name-form")
    page.get_by_label("Name Ihrer Kommune").fill("Stadt Musterstadt")
    page.get_by_role("button", name="Namen übernehmen").click()
    expect(page.get_by_role("link", name=re.compile(r"Herunterladen: .*Musterstadt.*\.pdf"))
           ).to_be_visible(timeout=60_000)


def test_next_steps_chosen_with_boxes_and_a_fourth_refused_beside_them(
        phone: BrowserContext, screen: str, server: Server, axe: object) -> None:
    page = phone.new_page()
    main = page.locator("main")
    finish(page, server)
    page.get_by_role("button", name="Nächste Schritte wählen").click()
    page.get_by_role("button", name=re.compile(r"^1 · Steuerung")).click()
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(3)
    expect(page.get_by_role("group", name=re.compile("Vorschläge aus"))).to_contain_text(
        "Sie können bis zu 3 Schritte wählen.")
    check_accessible(axe, page)
    page.get_by_role("checkbox", name=re.compile(r"^1\.1 ")).check()
    page.get_by_role("checkbox", name=re.compile(r"^1\.3 ")).check()
    page.get_by_role("button", name="Auswahl speichern").click()
    expect(main).to_contain_text("Gespeichert: 2 Schritte aus „Steuerung“.")
    expect(main).to_contain_text("1.1")

    page.get_by_role("button", name=re.compile(r"^2 · ")).click()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Auswahl speichern").click()
    first = page.get_by_role("checkbox").first
    refused_beside(page, first, "Höchstens 3 sind möglich")
    for box in page.get_by_role("checkbox").all():
        expect(box).to_be_checked()  # as ticked: the person takes one out
    expect(page.get_by_role("button", name="Zurück zu allen Handlungsfeldern")).to_be_visible()
    check_accessible(axe, page)
    fits(page, screen)
    shoot(page, screen, "browser-next-steps-form")
    page.get_by_role("checkbox").last.uncheck()
    page.get_by_role("button", name="Auswahl speichern").click()
    expect(main).to_contain_text("Gespeichert: 1 Schritt aus")
    page.get_by_role("button", name="Zurück zum Überblick").click()
    expect(main).to_contain_text("Ihre nächsten Schritte")
