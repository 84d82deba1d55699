"""Stories in a real browser: pages with addresses of their own, Back and Forward, bookmarks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import SCREENSHOTS, Server, answer, check_accessible

SITE = " – Selbstcheck „Weltoffene Kommune“"
SIZES = {"phone": {"width": 390, "height": 844}, "small": {"width": 320, "height": 640}}
STATEMENT = re.compile(r".*/aussage/[0-9]+/[a-z0-9-]+$")


def begun(context: BrowserContext, server: Server) -> Page:
    page = context.new_page()
    page.goto(server.url)
    page.get_by_role("button", name="Selbstcheck beginnen").click()
    expect(page.locator("main")).to_contain_text("gesamt 0/7")
    return page


@pytest.fixture(params=sorted(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser) -> BrowserContext:
    opened = browser.new_context(viewport=SIZES[request.param], locale="de-DE")
    request.addfinalizer(opened.close)
    return opened


def test_back_goes_to_the_previous_statement_and_forward_returns(
        sized: BrowserContext, server: Server, axe: object) -> None:
    page = begun(sized, server)
    first = page.url
    assert STATEMENT.match(first), first
    expect(page).to_have_title("Aussage 1.1 – Steuerung & Strategie" + SITE)
    answer(page, "A · Trifft zu", 1)
    second = page.url
    answer(page, "B · Trifft eher zu", 1)
    third = page.url
    assert len({first, second, third}) == 3
    main = page.locator("main")
    expect(main).to_contain_text("Ihre Antwort zu 1.2: B – Trifft eher zu")

    page.go_back()
    expect(page).to_have_url(second)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aussage 1.2 – Steuerung & Strategie")
    expect(main).to_contain_text("Bisherige Antwort: B – Trifft eher zu")
    expect(main).not_to_contain_text("Ihre Antwort zu")  # the confirmation was shown once
    check_accessible(axe, page)
    width = sized.pages[0].viewport_size
    assert width is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= width["width"]  # no sideways
    if width["width"] == 390:
        page.screenshot(path=str(SCREENSHOTS / "browser-back.png"))
    page.go_back()
    expect(page).to_have_url(first)
    expect(main).to_contain_text("Bisherige Antwort: A – Trifft zu")
    page.go_forward()
    expect(page).to_have_url(second)
    page.go_forward()
    expect(page).to_have_url(third)
    expect(main).to_contain_text("gesamt 2/7")
    expect(main).not_to_contain_text("Bisherige Antwort")
    # changed where Back led: that answer changes, and the open statement follows
    page.go_back()
    expect(page).to_have_url(second)
    page.get_by_role("button", name="D · Trifft nicht zu", exact=True).click()
    expect(page).to_have_url(third)
    expect(main).to_contain_text("Ihre Antwort zu 1.2: D – Trifft nicht zu")
    # the page's own links do the same without the browser's buttons
    page.get_by_role("button", name="Zurück").click()
    expect(page).to_have_url(second)
    page.get_by_role("link", name="Vor").click()
    expect(page).to_have_url(third)
    check_accessible(axe, page)


def test_a_bookmarked_result_opens_in_a_fresh_browser_after_continuing(
        sized: BrowserContext, browser: Browser, server: Server, axe: object) -> None:
    page = begun(sized, server)
    answer(page, "B · Trifft eher zu", 7)
    expect(page).to_have_url(re.compile(r".*/ergebnis/[0-9]+$"))
    expect(page).to_have_title("Ihr Ergebnis" + SITE)
    bookmark = page.url
    page.reload()  # the result again, from what is stored
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Ergebnis")
    expect(page.locator("main")).not_to_contain_text("Sie haben alle Aussagen beantwortet")
    check_accessible(axe, page)
    page.goto(server.url + "/fortsetzen")
    link = page.locator(".continue-link a").get_attribute("href")
    assert link

    viewport = page.viewport_size
    stranger = browser.new_context(viewport=viewport, locale="de-DE")
    fresh = browser.new_context(viewport=viewport, locale="de-DE")
    try:
        # a bookmark alone shows nobody's result: a polite page with a way on
        elsewhere = stranger.new_page()
        elsewhere.goto(bookmark)
        expect(elsewhere.locator("main")).to_contain_text("in diesem Browser nicht geöffnet")
        expect(elsewhere.locator("main")).not_to_contain_text("Auf gutem Weg")
        check_accessible(axe, elsewhere)
        # continued in a fresh browser, the same bookmark shows the result
        other = fresh.new_page()
        other.goto(link)
        other.goto(bookmark)
        expect(other).to_have_title("Ihr Ergebnis" + SITE)
        expect(other.locator("main")).to_contain_text("Auf gutem Weg · 67 %")
        expect(other.get_by_role("img")).to_have_count(1)
        check_accessible(axe, other)
        if viewport and viewport["width"] == 390:
            other.screenshot(path=str(SCREENSHOTS / "browser-bookmarked-result.png"))
            elsewhere.screenshot(path=str(SCREENSHOTS / "browser-not-here.png"))
    finally:
        stranger.close()
        fresh.close()


def test_every_page_is_titled_as_what_it_is(context: BrowserContext, server: Server,
                                            axe: object) -> None:
    page = begun(context, server)
    answer(page, "C · Trifft eher nicht zu", 7)
    expect(page).to_have_url(re.compile(r".*/ergebnis/[0-9]+$"))
    result = page.url
    run = result.rsplit("/", 1)[1]
    for path, title in ((f"/antworten/{run}", "Antworten ändern"),
                        (f"/naechste-schritte/{run}", "Nächste Schritte"),
                        (f"/bericht/{run}", "Bericht"), ("/datenschutz", "Datenschutz"),
                        ("/hilfe", "Hilfe"), ("/felder", "Handlungsfelder"),
                        (f"/ergebnis/{run}/feld/eins",
                         "Ergebnis im Handlungsfeld 1: Steuerung & Strategie")):
        page.goto(server.url + path)
        expect(page).to_have_title(title + SITE)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        check_accessible(axe, page)
    page.goto(server.url + "/aussage/999999/eins-01")
    expect(page.locator("main")).to_contain_text("gehört nicht zu Ihrem Selbstcheck")
    check_accessible(axe, page)
