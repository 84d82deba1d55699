"""Languages as data: a translation is offered once complete, and says what it lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.questionnaire import load_questionnaire
from bot.domain.spoken import speaking
from bot.domain.translations import translation_problems, translation_tags
from bot.output.languages import accepted_languages, chosen_language, language_tags, text_problems
from bot.output.render import Renderer
from bot.resources import QUESTIONS_DIR, REPORTS_DIR
from tests.languages import RTL_MARK, RTL_TAG, write_test_language


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped questionnaire and texts with the right-to-left test language beside them."""
    questions, reports = tmp_path / "questions", tmp_path / "reports"
    shutil.copytree(QUESTIONS_DIR, questions)
    shutil.copytree(REPORTS_DIR, reports)
    write_test_language(questions, reports)
    return questions, reports


def test_the_shipped_languages_are_complete() -> None:
    tags = set(translation_tags(QUESTIONS_DIR)) | set(language_tags(REPORTS_DIR)[1:])
    assert {"en", "de-x-ls"} <= tags
    problems = translation_problems(QUESTIONS_DIR)
    for tag in sorted(tags):
        assert problems.get(tag, ["no questionnaire"]) == [], tag
        assert text_problems(REPORTS_DIR, tag) == [], tag
    assert set(load_questionnaire().languages) == {"de", *tags}
    assert {language.tag for language in Renderer().languages} == {"de", *tags}


def test_a_complete_language_speaks_every_text_under_the_same_ids(copies: tuple[Path, Path]) -> None:
    questions, reports = copies
    questionnaire = load_questionnaire(questions)
    renderer = Renderer(reports, languages=questionnaire.languages)
    assert RTL_TAG in questionnaire.languages and renderer.offers(RTL_TAG)
    german = [(s.id, s.text) for s in questionnaire.statements]
    with speaking(RTL_TAG):
        translated = [(s.id, s.text) for s in questionnaire.statements]
        assert renderer.language.direction == "rtl"
        assert renderer.text("button.begin").startswith(RTL_MARK)
        assert questionnaire.scale.choice("A").label == f"{RTL_MARK} Trifft zu"
        assert questionnaire.fields[0].assessment("advanced").startswith(RTL_MARK)
    assert [i for i, _ in translated] == [i for i, _ in german]
    assert all(text == f"{RTL_MARK} {source}" for (_, text), (_, source) in zip(translated, german))
    assert questionnaire.statements[0].text == german[0][1]  # outside, the source again


def test_an_incomplete_language_is_not_offered_and_check_questions_says_why(
        copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    questions, reports = copies
    field = questions / "languages" / RTL_TAG / "02_oeffnung.toml"
    field.write_text(field.read_text(encoding="utf-8").replace('\ninfo = ', '\nnotiz = ', 1),
                     encoding="utf-8")
    texts = reports / "languages" / RTL_TAG
    (texts / "chat" / "paused.html.j2").unlink()
    welcome = texts / "chat" / "welcome.html.j2"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "{{ secret_token }}", encoding="utf-8")

    assert RTL_TAG not in load_questionnaire(questions).languages
    assert not Renderer(reports).offers(RTL_TAG)
    with pytest.raises(SystemExit) as ended:
        main(["check-questions", "--dir", str(questions), "--reports", str(reports)])
    assert ended.value.code == 1
    printed = capsys.readouterr().out
    assert f"{RTL_TAG} (اختبار): UNVOLLSTÄNDIG – wird nicht angeboten" in printed
    assert "'info' fehlt" in printed and "'notiz' gibt es in der Quelle nicht" in printed
    assert f"reports/languages/{RTL_TAG}/chat/paused.html.j2: fehlt" in printed
    assert "chat/welcome.html.j2: Platzhalter, die die Quelle nicht hat: secret_token" in printed
    assert "en (English): vollständig" in printed


def test_a_wish_finds_the_nearest_offered_language() -> None:
    offered = ("de", "de-x-ls", "en")
    assert accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == [
        "fr-CH", "fr", "en", "de"]
    assert chosen_language(accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7"),
                           offered) == "en"
    assert chosen_language(["en-GB"], offered) == "en"
    assert chosen_language(["de-AT"], offered) == "de"
    assert chosen_language(["de-x-ls"], offered) == "de-x-ls"  # asked for by name only
    assert chosen_language(["tr"], offered) is None
    assert accepted_languages("en;q=abc, de;q=0") == []
