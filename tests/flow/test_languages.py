"""A person's language in Telegram, and a workshop whose people answer in several languages."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.domain.spoken import speaking
from bot.output.render import Renderer
from bot.resources import REPORTS_DIR
from tests.clock import SettableClock
from tests.conftest import BotHarness, Person, write_questionnaire
from tests.languages import RTL_MARK, RTL_TAG, write_test_language
from tests.stories import assert_tagged, latest_link, pdf_text, query, release, set_up


def in_language(tag: str, renderer: Renderer, key: str) -> str:
    with speaking(tag):
        return renderer.text(key)


def choice_labels(person: Person) -> list[str]:
    rows = person.last.reply_markup["inline_keyboard"]
    return [row[0]["text"] for row in rows[:5]]


async def test_a_whole_run_in_english_from_telegrams_language_with_its_report(
        tmp_path: Path, full_questionnaire: Questionnaire, renderer: Renderer,
        clock: SettableClock) -> None:
    async with BotHarness(tmp_path / "bot.db", full_questionnaire, renderer, clock=clock) as bot:
        kim = bot.person(language_code="en-GB")
        await kim.send("/start")
        assert "Welcome to the self-check" in (kim.last.text or "")
        with speaking("en"):
            english = {s.id: s.text for s in full_questionnaire.statements}
            answers = [f"{c.key} · {c.label}" for c in full_questionnaire.scale.choices]
            level = full_questionnaire.scale.levels[0].label
            field_title = full_questionnaire.fields[0].title
        await kim.tap(in_language("en", renderer, "button.begin"))
        assert choice_labels(kim) == answers == ["A · Applies", "B · Mostly applies",
                                                 "C · Mostly does not apply",
                                                 "D · Does not apply", "E · Cannot assess"]
        for statement in full_questionnaire.statements:
            shown = next(m.text or "" for m in reversed(kim.chat)
                         if english[statement.id] in (m.text or ""))
            assert "Trifft" not in shown
            await kim.tap("A · ")
        summary = "\n".join(m.text or "" for m in kim.chat[-12:])
        assert level in summary and "Etablierte Stärke" not in summary
        await kim.send("/bericht")
        await kim.tap(in_language("en", renderer, "results.button.name_skip"))
        report = kim.last
        text = pdf_text(report)
        assert field_title in text and english["steuerung-01"][:40] in text
        assert "not a ranking" in text and "kein Ranking" not in text
        assert report.file is not None
        assert_tagged(report.file, "", language="en")
        stored = await query(bot.database, "SELECT language FROM users WHERE user_id = 4711")
        assert stored == [("en",)]  # kept, so what reaches Kim unasked is in English too


async def test_the_language_is_switched_in_help_mid_run_without_losing_an_answer(
        tmp_path: Path, full_questionnaire: Questionnaire, renderer: Renderer,
        clock: SettableClock) -> None:
    async with BotHarness(tmp_path / "bot.db", full_questionnaire, renderer, clock=clock) as bot:
        anna = bot.person()
        await anna.send("/start")
        names = [b["text"] for b in anna.last.reply_markup["inline_keyboard"][-1]]
        assert names == ["Leichte Sprache", "English"]  # each named in its own language
        await anna.tap("Selbstcheck beginnen")
        await anna.tap("B · Trifft eher zu")
        await anna.send("/hilfe")
        await anna.tap("Leichte Sprache")
        with speaking("de-x-ls"):
            second = full_questionnaire.statements[1].text
        assert second in (anna.last.text or "")  # where she stood, in Leichte Sprache
        assert choice_labels(anna)[0] == "A · Stimmt"
        await anna.tap("A · Stimmt")
        answers = await query(bot.database, "SELECT statement_id, choice FROM answers")
        assert sorted(answers) == [("steuerung-01", "B"), ("steuerung-02", "A")]
        # a forged or stale language button is answered politely, nothing changes
        await anna.tap_data("sp:tlh", anna.last)
        assert (await query(bot.database, "SELECT language FROM users"))[0] == ("de-x-ls",)


async def test_a_workshop_in_three_languages_adds_up_as_one_in_german(
        tmp_path: Path, renderer: Renderer, clock: SettableClock) -> None:
    questions = write_questionnaire(tmp_path / "questions")
    write_test_language(questions, tag="en", mark=lambda text: f"(en) {text}")
    write_test_language(questions, tag="de-x-ls", mark=lambda text: f"(ls) {text}")
    questionnaire = load_questionnaire(questions)
    assert questionnaire.languages == ("de", "de-x-ls", "en")
    plan = [("verwaltung_integration", "AABACAA"), ("verwaltung_integration", "ABBBCAE"),
            ("verwaltung_integration", "AACBDAA"), ("politik", "DDCDDBE"),
            ("politik", "CDDDDEB"), ("politik", "DCDDCEA")]
    results = []
    for languages in (("de",) * 6, ("en", "de-x-ls", "de", "de-x-ls", "en", "de")):
        async with BotHarness(tmp_path / f"{languages[0]}.db", questionnaire, renderer,
                              clock=clock, min_group=3) as bot:
            chris = bot.person(1, "Chris")
            payload = await set_up(chris)
            for i, ((perspective, choices), tag) in enumerate(zip(plan, languages)):
                person = bot.person(100 + i, f"P{i}", "en" if tag == "en" else "de")
                if tag == "de-x-ls":
                    await person.send("/hilfe")
                    await person.tap("Leichte Sprache")
                await person.send(f"/start {payload}")
                data, shown = next((b["callback_data"], m) for m in reversed(person.chat)
                                   for row in (m.reply_markup or {}).get("inline_keyboard", [])
                                   for b in row
                                   if b.get("callback_data", "").endswith(f":{perspective}"))
                await person.tap_data(data, shown)
                for choice in choices:
                    await person.tap(f"{choice} · ")
                if tag != "de":
                    assert f"({'en' if tag == 'en' else 'ls'})" in "".join(
                        m.text or "" for m in person.chat[-3:])
            await release(chris)
            rows = await query(bot.database, "SELECT result FROM workshop_releases")
            results.append([json.loads(str(row[0])) for row in rows])
            assert latest_link(chris)
    assert results[0] and results[0] == results[1]


async def test_a_right_to_left_language_prints_its_report_right_to_left(
        tmp_path: Path, clock: SettableClock) -> None:
    questions = write_questionnaire(tmp_path / "questions")
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS_DIR, reports)
    write_test_language(questions, reports)
    questionnaire = load_questionnaire(questions)
    renderer = Renderer(reports, languages=questionnaire.languages)
    async with BotHarness(tmp_path / "bot.db", questionnaire, renderer, clock=clock) as bot:
        anna = bot.person()
        await anna.send("/hilfe")
        await anna.tap("اختبار")
        await anna.tap(in_language(RTL_TAG, renderer, "button.begin"))
        for _ in questionnaire.statements:
            await anna.tap("A · ")
        await anna.send("/bericht")
        await anna.tap(in_language(RTL_TAG, renderer, "results.button.name_skip"))
        report = anna.last
        assert report.file is not None
        assert_tagged(report.file, "", language=RTL_TAG)
        printed = pdf_text(report)
        assert RTL_MARK in printed and "Der Rat" in printed
        # to look at: pdftoppm -png -r 60 report-rtl.pdf in the temporary directory
        (Path(tempfile.gettempdir()) / "report-rtl.pdf").write_bytes(report.file)
