"""A workshop in the browser: set up, joined by several people in their own browsers, closed."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE, Server, answer, check_accessible, from_menu

# Five a perspective (k = 3): the released values are noisy, and a noisy count of "cannot
# judge" can leave a group too few raters for a statement's value. With four, one release in
# 170 had fewer than the two topics for dialogue paged through below; with five, one in 50,000.
PEOPLE = (("Politik", "D · Trifft nicht zu"),) * 5 + (("Bildung", "A · Trifft zu"),) * 5


def take_part(browser: Browser, link: str, perspective: str, choice: str, axe: object,
              check: bool) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.locator("main")).to_contain_text("Musterstadt")
        if check:
            check_accessible(axe, page)
        page.get_by_role("radio", name=perspective, exact=True).check()
        page.get_by_role("button", name="Perspektive wählen").click()
        expect(page.locator("main")).to_contain_text("gesamt 0/7")
        answer(page, choice, 7)
        expect(page.locator("main")).to_contain_text("alle Aussagen")
        if check:
            check_accessible(axe, page)
    finally:
        context.close()


def test_a_workshop_with_participants_in_their_own_browsers(
        browser: Browser, context: BrowserContext, server: Server, axe: object) -> None:
    coordinator: Page = context.new_page()
    coordinator.goto(server.url)
    from_menu(coordinator, "Workshop")
    expect(coordinator.locator("main")).to_contain_text("Neuer Selbstcheck-Workshop")
    check_accessible(axe, coordinator)
    coordinator.get_by_label("Name der Kommune").fill("Musterstadt")
    coordinator.get_by_role("button", name="Weiter zu den Handlungsfeldern").click()
    check_accessible(axe, coordinator)
    coordinator.get_by_role("button", name="Alle Handlungsfelder").click()
    coordinator.get_by_role("button", name=re.compile("Weiter: Gruppen")).click()
    coordinator.get_by_role("button", name="Workshop anlegen").click()
    main = coordinator.locator("main")
    links = re.findall(re.escape(server.url) + r"/w/[A-Za-z0-9_-]{22}", main.inner_text())
    assert links, main.inner_text()
    expect(coordinator.get_by_role("img", name=re.compile("QR"))).to_be_visible()
    # the invitation speaks of the browser, and the coordinator learns that the address is local
    expect(main).to_contain_text("im Browser auf dem Smartphone oder am Computer")
    expect(main).not_to_contain_text(re.compile("Telegram|Chat|Bot"))
    expect(main).to_contain_text("SELBSTCHECK_PUBLIC_URL")
    check_accessible(axe, coordinator)

    projector = context.new_page()  # the coordinator's second window, on the projector
    projector.set_viewport_size({"width": 1280, "height": 800})
    for number, (perspective, choice) in enumerate(PEOPLE):
        take_part(browser, links[0], perspective, choice, axe, check=number == 0)
        if number == 0:
            coordinator.get_by_role("link", name="Projektor-Ansicht für den Raum öffnen").click()
            projector.goto(coordinator.url)
            coordinator.go_back()
            expect(projector.get_by_role("img", name=re.compile("QR-Code"))).to_be_visible()
            expect(projector.locator("main")).to_contain_text(links[0].split("://")[1])
            check_accessible(axe, projector)
    # it refreshes by itself: the counts follow without a click
    expect(projector.get_by_role("row", name=re.compile("Bildung"))).to_contain_text("5", timeout=15_000)
    expect(projector.locator("#stand")).to_contain_text("fertig: 10")

    coordinator.goto(server.url)
    from_menu(coordinator, "Workshop")
    coordinator.get_by_role("button", name=re.compile("Musterstadt")).click()
    coordinator.get_by_role("button", name="Stand").click()
    expect(main).to_contain_text("5")
    check_accessible(axe, coordinator)
    coordinator.get_by_role("button", name="Zwischenstand freigeben").click()  # shown once released
    coordinator.get_by_role("button", name="📊 Ergebnis", exact=True).click()
    expect(main).to_contain_text("Gesamt")
    check_accessible(axe, coordinator)
    from_menu(coordinator, "Workshop")
    coordinator.get_by_role("button", name=re.compile("Musterstadt")).click()
    coordinator.get_by_role("button", name="Workshop schließen").click()
    coordinator.get_by_role("button", name="Ja, Workshop schließen").click()
    expect(main).to_contain_text("geschlossen")

    projector.reload()
    projector.get_by_role("button", name="Weiter").click()  # to the comparison
    expect(projector.get_by_role("table")).to_contain_text("Politik (5)")
    check_accessible(axe, projector)
    projector.get_by_role("button", name="Weiter").click()
    expect(projector.locator(".topic")).to_be_visible()
    expect(projector.locator("main")).to_contain_text("Gesprächsanlass 1 von")
    check_accessible(axe, projector)
    projector.get_by_role("button", name="Weiter").click()
    expect(projector.locator("main")).to_contain_text("Gesprächsanlass 2 von")
    # another browser cannot open the projector view
    stranger = browser.new_context()
    try:
        page = stranger.new_page()
        page.goto(projector.url)
        expect(page.locator("main")).to_contain_text("Diese Seite gibt es nicht.")
    finally:
        stranger.close()
