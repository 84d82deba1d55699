"""A whole self-check in English and in Leichte Sprache in the browser, and a right-to-left page.

Every page visited is checked with axe-core and for its ``lang`` (and ``dir``); the report
is downloaded and its text read. The texts expected are the project's own, rendered in the
language under test, so the stories follow the translations instead of copying them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.domain.questionnaire import load_questionnaire
from bot.domain.spoken import speaking
from bot.output.render import Renderer
from bot.resources import QUESTIONS_DIR, REPORTS_DIR
from tests.browser.conftest import PHONE, SCREENSHOTS, Server, check_accessible, from_menu, serving
from tests.languages import RTL_MARK, RTL_TAG, write_test_language

QUESTIONNAIRE = load_questionnaire()
RENDERER = Renderer()


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving(Server(tmp_path_factory.mktemp("languages"), QUESTIONS_DIR))


def text(tag: str, key: str, **context: object) -> str:
    with speaking(tag):
        return RENDERER.text(key, **context)


def looked_at(page: Page, axe: object, tag: str, direction: str = "ltr") -> None:
    """The page speaks ``tag`` (its ``lang`` and ``dir``) and axe-core finds nothing."""
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    check_accessible(axe, page)


def whole_run(page: Page, server: Server, axe: object, tag: str) -> str:
    """Every statement answered in ``tag``: the first field one by one, the others on their
    field pages; the report's text."""
    with speaking(tag):
        choices = [RENDERER.text("button.choice", choice=c, chosen=False)
                   for c in QUESTIONNAIRE.scale.choices]
        statements = {s.id: s.text for s in QUESTIONNAIRE.statements}
        fields = [(f.id, [s.id for s in f.statements], f.title) for f in QUESTIONNAIRE.fields]
        level = QUESTIONNAIRE.scale.levels[0].label
    main = page.locator("main")
    page.get_by_role("button", name=text(tag, "button.begin")).click()
    first_id, first_statements, _ = fields[0]
    for number, statement in enumerate(first_statements):
        expect(main).to_contain_text(statements[statement])
        expect(page.locator("html")).to_have_attribute("lang", tag)  # every page
        if number in (0, 1, len(first_statements) - 1):  # axe: each kind of page
            looked_at(page, axe, tag)
        page.get_by_role("button", name=choices[number % 2], exact=True).click()
    looked_at(page, axe, tag)  # a field's end, with the next field's first statement
    for path in ("/hilfe", "/datenschutz", "/ueber", "/barrierefreiheit", "/fortsetzen"):
        page.goto(f"{server.url}{path}")
        looked_at(page, axe, tag)
    for number, (field, ids, title) in enumerate(fields[1:]):
        page.goto(f"{server.url}/feld/{field}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        for statement in ids:
            expect(page.locator("main")).to_contain_text(statements[statement])
            page.locator(f"input[name='s-{statement}'][value='A']").check()
        expect(page.locator("html")).to_have_attribute("lang", tag)
        if number == 0:
            looked_at(page, axe, tag)
        page.locator("main form button[type=submit]").last.click()
        expect(page.get_by_role("status")).to_be_visible()
        if number == 0:
            looked_at(page, axe, tag)  # the page that confirms the saved field
    from_menu(page, text(tag, "web.nav.ergebnis"))
    expect(main).to_contain_text(level)
    looked_at(page, axe, tag)
    page.screenshot(path=str(SCREENSHOTS / f"browser-result-{tag}.png"), full_page=True)
    page.get_by_role("button", name=text(tag, "results.button.report")).click()
    page.get_by_label(text(tag, "form.name")).fill("Sampletown")
    page.get_by_role("button", name=text(tag, "form.name_submit")).click()
    link = page.get_by_role("link", name=re.compile(r".*Sampletown.*\.pdf"))
    expect(link).to_be_visible()
    looked_at(page, axe, tag)
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert path is not None
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_a_whole_run_in_english_from_the_browsers_language(browser: Browser, full_server: Server,
                                                          axe: object) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(full_server.url)
        expect(page.locator("main")).to_contain_text("Welcome to the self-check")
        looked_at(page, axe, "en")
        # the switch names every other language in its own words, marked as that language
        switch = page.locator("nav.languages a")
        expect(switch).to_have_text(["Deutsch", "Leichte Sprache"])
        expect(switch.first).to_have_attribute("lang", "de")
        report = " ".join(whole_run(page, full_server, axe, "en").split())
        with speaking("en"):
            assert QUESTIONNAIRE.fields[0].title in report
            assert QUESTIONNAIRE.scale.levels[0].label in report
        assert "Sampletown" in report and "Trifft zu" not in report and "Handlungsfeld" not in report
    finally:
        context.close()


def test_a_whole_run_in_leichte_sprache_chosen_on_the_first_page(
        context: BrowserContext, full_server: Server, axe: object) -> None:
    page = context.new_page()
    page.goto(full_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("link", name="Leichte Sprache").click()
    looked_at(page, axe, "de-x-ls")
    page.screenshot(path=str(SCREENSHOTS / "browser-welcome-de-x-ls.png"))
    report = " ".join(whole_run(page, full_server, axe, "de-x-ls").split())
    with speaking("de-x-ls"):
        assert QUESTIONNAIRE.scale.levels[0].label in report
        assert QUESTIONNAIRE.statements[0].text[:40] in report
    # kept with the person: their continue link opens Leichte Sprache in another browser
    from_menu(page, text("de-x-ls", "web.nav.weiter"))


@pytest.fixture(scope="module")
def rtl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The bot with a small right-to-left test language (never shipped) beside German."""
    tmp = tmp_path_factory.mktemp("rtl")
    questions, reports = tmp / "questions", tmp / "reports"
    shutil.copytree(QUESTIONS_DIR, questions)
    shutil.copytree(REPORTS_DIR, reports)
    write_test_language(questions, reports)
    yield from serving(Server(tmp, questions, reports=reports))


def test_a_right_to_left_language_needs_only_its_files(context: BrowserContext,
                                                       rtl_server: Server, axe: object) -> None:
    page = context.new_page()
    page.goto(rtl_server.url)
    page.get_by_role("link", name="اختبار").click()  # a private-use tag: chosen, never guessed
    looked_at(page, axe, RTL_TAG, "rtl")
    page.get_by_role("button", name=re.compile(f"^{RTL_MARK}")).first.click()
    expect(page.locator("main")).to_contain_text(f"{RTL_MARK} Der Rat")
    looked_at(page, axe, RTL_TAG, "rtl")
    # the page runs from the right: the answer buttons' text starts at their right edge
    assert page.evaluate("getComputedStyle(document.querySelector('main button')).direction") == "rtl"
    page.screenshot(path=str(SCREENSHOTS / "browser-statement-rtl.png"))
