"""The projector's wall in a real browser at 1920 × 1080 and 1280 × 720: large type, no menu,
every slide on one screen, stepped by the keys a clicker sends and from the coordinator's phone."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from bot.config import Operator
from bot.domain.entities import Workshop
from bot.domain.next_steps import Step
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.domain.workshop import (
    FURTHER,
    OVERALL,
    PERSPECTIVES,
    PerspectiveProgress,
    Response,
    WorkshopResult,
    aggregate,
    progress,
)
from bot.output.qr import qr_png
from bot.output.render import Renderer
from bot.resources import REPORTS_DIR
from bot.web.pages import Pages
from bot.web.projector import JOIN, Projection, slides_of
from tests.browser.conftest import SCREENSHOTS, Server, check_accessible, from_menu
from tests.browser.test_workshop import take_part

FULL_HD = {"width": 1920, "height": 1080}
HD = {"width": 1280, "height": 720}
# Five a perspective (k = 3 in these stories): both shown, and through the release's noise
# still apart on at least one statement (see test_workshop.py).
ROOM = (("Politik", "D · Trifft nicht zu"),) * 5 + (("Bildung", "A · Trifft zu"),) * 5

# The smallest text on the slide, the body's and the main heading's size, and whether the
# page is larger than the screen or the slide's content runs into its buttons.
MEASURE = """() => {
  const texts = [...document.querySelectorAll('body *')].filter(e =>
      [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
      e.getClientRects().length && !e.closest('.visually-hidden'));
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const root = document.documentElement, slide = document.querySelector('.slide-body');
  return {smallest: Math.min(...texts.map(size)), body: size(document.body),
          heading: size(document.querySelector('h1')),
          scrolls: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth
                   || slide.scrollHeight > slide.clientHeight};
}"""


def measured(wall: Page) -> dict[str, float]:
    return wall.evaluate(MEASURE)  # type: ignore[no-any-return]


def fits_and_reads(wall: Page, axe: object, smallest: float) -> None:
    """The slide as the room sees it: large enough, on one screen, no menu, accessible."""
    found = measured(wall)
    assert not found["scrolls"], (wall.url, found)
    assert found["smallest"] >= smallest and found["heading"] > found["body"], (wall.url, found)
    assert wall.locator("nav, header.site, footer.site").count() == 0
    expect(wall.locator("body")).not_to_contain_text(re.compile("Daten löschen|JavaScript|Menü"))
    check_accessible(axe, wall)


def test_the_wall_is_readable_from_the_back_and_follows_the_coordinator(
        browser: Browser, context: BrowserContext, server: Server, axe: object) -> None:
    phone: Page = context.new_page()
    phone.goto(server.url)
    from_menu(phone, "Workshop")
    phone.get_by_label("Name der Kommune").fill("Musterstadt")
    phone.get_by_role("button", name="Weiter zu den Handlungsfeldern").click()
    phone.get_by_role("button", name="Alle Handlungsfelder").click()
    phone.get_by_role("button", name=re.compile("Weiter: Gruppen")).click()
    phone.get_by_role("button", name="Workshop anlegen").click()
    link = re.findall(re.escape(server.url) + r"/w/[A-Za-z0-9_-]{22}", phone.locator("main").inner_text())[0]
    wall = context.new_page()  # the coordinator's laptop at the projector: same person
    wall.set_viewport_size(FULL_HD)
    wall.goto(server.url + (phone.locator("a", has_text="Projektor-Ansicht").get_attribute("href") or ""))
    expect(wall).to_have_url(re.compile(r"/projektor/\d+/beitreten$"))
    expect(wall.get_by_role("heading", level=1)).to_have_text("Mitmachen · Workshop „Musterstadt“")
    expect(wall.get_by_role("img", name="QR-Code der Einladung zum Workshop")).to_be_visible()
    expect(wall.locator(".address")).to_have_text(link.split("://")[1])
    # body text of at least 32 px at 1920 × 1080, headings larger, everything on the first screen
    assert measured(wall)["body"] >= 32
    fits_and_reads(wall, axe, smallest=32)

    # the counts follow the room quietly: the page is not reloaded, nothing says how
    wall.evaluate("window.stillHere = true")
    for perspective, choice in ROOM:
        take_part(browser, link, perspective, choice, axe, check=False)
    expect(wall.locator("#stand")).to_have_text("Dabei: 10 · fertig: 10", timeout=20_000)
    expect(wall.get_by_role("row", name=re.compile("Bildung"))).to_contain_text("5")
    assert wall.evaluate("window.stillHere") is True
    fits_and_reads(wall, axe, smallest=32)
    wall.screenshot(path=str(SCREENSHOTS / "projector-join.png"))

    phone.goto(server.url)
    from_menu(phone, "Workshop")
    phone.get_by_role("button", name=re.compile("Musterstadt")).click()
    phone.get_by_role("button", name="Workshop schließen").click()
    phone.get_by_role("button", name="Ja, Workshop schließen").click()
    expect(phone.locator("main")).to_contain_text("geschlossen")
    wall.reload()
    expect(wall.locator("main")).to_contain_text("Die Teilnahme ist beendet")

    # the keys a presenter's clicker sends step through the slides, each at its own address
    wall.keyboard.press("PageDown")
    expect(wall).to_have_url(re.compile(r"/vergleich$"))
    chart = wall.get_by_role("img", name=re.compile("Säulendiagramm"))
    expect(chart).to_be_visible()
    wall.wait_for_function("() => document.querySelector('.chart img').naturalWidth === 1920")
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 1500  # the chart fills the wall
    expect(wall.get_by_role("table")).to_contain_text("Etablierte Stärke (100 %)")  # in words
    fits_and_reads(wall, axe, smallest=32)
    wall.screenshot(path=str(SCREENSHOTS / "projector-comparison.png"))
    wall.keyboard.press("ArrowRight")
    expect(wall).to_have_url(re.compile(r"/thema/1$"))
    heading = wall.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Gesprächsanlass 1 von \d+$"))
    topics = int(heading.inner_text().rsplit(" ", 1)[1])  # the release's noise decides how many
    assert topics >= 1
    slides = 2 + topics + 2
    fits_and_reads(wall, axe, smallest=32)
    wall.screenshot(path=str(SCREENSHOTS / "projector-topic.png"))
    position = wall.locator(".position")
    wall.keyboard.press("Space")
    expect(position).to_have_text(f"Folie 4 von {slides}")
    wall.keyboard.press("PageUp")
    expect(wall).to_have_url(re.compile(r"/thema/1$"))
    wall.keyboard.press("ArrowLeft")
    expect(wall).to_have_url(re.compile(r"/vergleich$"))
    expect(position).to_have_text(f"Folie 2 von {slides}")

    # the coordinator steps from the phone: the wall follows by itself
    phone.goto(server.url)
    from_menu(phone, "Workshop")
    phone.get_by_role("button", name=re.compile("Musterstadt")).click()
    phone.screenshot(path=str(Path(tempfile.gettempdir()) / "projector-phone.png"), full_page=True)
    phone.get_by_role("button", name="Wand weiter").click()
    expect(phone.locator("main")).to_contain_text(
        f"An der Wand: Folie 3 von {slides} – Gesprächsanlass 1 von {topics}")
    check_accessible(axe, phone)
    phone.screenshot(path=str(Path(tempfile.gettempdir()) / "projector-remote.png"), full_page=True)
    for number in range(4, slides):
        phone.get_by_role("button", name="Wand weiter").click()
        expect(phone.locator("main")).to_contain_text(f"Folie {number} von {slides}")
    expect(phone.locator("main")).to_contain_text("Gemeinsame Baustellen")
    expect(wall).to_have_url(re.compile(r"/baustellen$"), timeout=20_000)
    fits_and_reads(wall, axe, smallest=32)
    wall.screenshot(path=str(SCREENSHOTS / "projector-shared.png"))
    # without JavaScript's keys the buttons on the wall step as well
    wall.get_by_role("button", name="Weiter").click()
    expect(wall).to_have_url(re.compile(r"/schritte$"))
    expect(wall.get_by_role("button", name="Weiter")).to_be_hidden()  # the last slide
    fits_and_reads(wall, axe, smallest=32)

    # a smaller projector: every slide still on one screen, the text still large
    wall.set_viewport_size(HD)
    for key in ("beitreten", "vergleich", "thema/1", "baustellen", "schritte"):
        wall.goto(re.sub(r"/projektor/(\d+)/.*", rf"/projektor/\1/{key}", wall.url))
        fits_and_reads(wall, axe, smallest=24)
        wall.screenshot(path=str(Path(tempfile.gettempdir()) / f"projector-hd-{key.replace('/', '-')}.png"))


def longest_first(questionnaire: Questionnaire) -> list[str]:
    return [statement.id for statement in sorted(
        (s for field in questionnaire.fields for s in field.statements), key=lambda s: -len(s.text))]


def room(questionnaire: Questionnaire, answer: Callable[[int, str], str],
         perspectives: tuple[str, ...] = PERSPECTIVES) -> WorkshopResult:
    """Three people in each of ``perspectives``; ``answer(perspective's place, statement)``."""
    statements = [s.id for field in questionnaire.fields for s in field.statements]
    responses = [Response(perspective, {sid: answer(place, sid) for sid in statements},
                         person=place * 10 + person)
                 for place, perspective in enumerate(perspectives) for person in range(3)]
    return aggregate(questionnaire.fields, questionnaire.scale, responses, 3)


def worst_cases() -> list[tuple[str, Projection, str]]:
    """The fullest slides a room can make: (what, the wall's data, the slide's key)."""
    questionnaire = load_questionnaire()
    longest = longest_first(questionnaire)
    workshop = Workshop(1, "A" * 22, None, "Landkreis Musterkreis-Beispielstadt", None, "open",
                        1, 1, "", None)
    link = "https://selbstcheck.musterkreis.de/w/" + "A" * 22
    counts = progress([PerspectiveProgress(p, 3, 2) for p in PERSPECTIVES]
                      + [PerspectiveProgress(None, 2, 0)])
    # nine groups apart on the longest statement only: one topic with nine bars
    apart = room(questionnaire, lambda place, sid: ("A" if place < 5 else "D")
                 if sid == longest[0] else "B")
    # everybody low everywhere, the longest statements lowest: they head the shared list
    low = room(questionnaire, lambda place, sid: "D" if sid in longest[:3] else "C")
    alone = room(questionnaire, lambda place, sid: "B", PERSPECTIVES[:1])
    def words(text: str, length: int) -> str:
        return (text * length)[:length]

    steps = tuple(Step(n, words("Beratungsangebote für Zugewanderte ausbauen, ", 200),
                       words("Integrationsbeauftragte mit dem Jobcenter, ", 100),
                       words("bis zur Ratssitzung im Herbst ", 40)) for n in range(1, 6))

    def wall(result: WorkshopResult | None, agreed: tuple[Step, ...] = ()) -> Projection:
        return Projection(workshop, link, counts, result, False, agreed,
                          slides_of(result, len(agreed)), JOIN)

    return [("a full room", wall(None), "beitreten"),
            ("one perspective", wall(alone), "vergleich"),
            ("nine groups on the longest statement", wall(apart), "thema/1"),
            ("everything low", wall(low), "baustellen"),
            ("five steps at their longest", wall(None, steps), "schritte"),
            ("five steps at their longest", wall(None, steps), "schritte/2")]


def test_the_fullest_slides_still_fit_on_one_screen(browser: Browser, axe: object) -> None:
    """Every perspective in the room, nine groups, the longest texts: still one screen each."""
    renderer = Renderer()
    scale = load_questionnaire().scale
    labels = {key: renderer.text(f"workshop.perspective.{key}")
              for key in (*PERSPECTIVES, FURTHER, OVERALL)}
    pages = Pages(renderer, "", Operator())
    static = REPORTS_DIR / "web" / "static"
    shown: dict[str, str] = {}

    def serve(route: Route) -> None:
        path = route.request.url.split("wall.test", 1)[1]
        if path.endswith("/qr.png"):
            route.fulfill(body=qr_png("https://selbstcheck.musterkreis.de/w/" + "A" * 22),
                          content_type="image/png")
        elif path.startswith("/static/"):
            name = path.removeprefix("/static/")
            route.fulfill(body=(static / name).read_text(), content_type="text/css"
                          if name.endswith(".css") else "text/javascript")
        else:
            route.fulfill(body=shown["html"], content_type="text/html")

    page = browser.new_page()
    try:
        page.route("http://wall.test/**", serve)
        for what, wall, key in worst_cases():
            slide = wall.slide(key)
            assert slide is not None, (what, key)
            shown["html"] = pages.render(
                "projector.html.j2", csrf="0" * 64, p=wall, slide=slide,
                stored="/projektor/1/beitreten", labels=labels, scale=scale, refresh=5,
                minimum=3, short_link=wall.link.split("://")[1])
            for viewport, smallest in ((FULL_HD, 32), (HD, 24)):
                page.set_viewport_size(viewport)
                page.goto(f"http://wall.test/projektor/1/{key}")
                expect(page.locator("main")).not_to_be_empty()
                name = f"projector-fullest-{key.replace('/', '-')}-{viewport['width']}.png"
                page.screenshot(path=str(Path(tempfile.gettempdir()) / name))
                fits_and_reads(page, axe, smallest)
    finally:
        page.close()
