"""The operator names itself: settings, /datenschutz, the welcome, the PDF reports, the start-up warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Operator, operator_warnings, settings_from_env
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.bot_process import TOKEN, BotProcess
from tests.conftest import BotHarness
from tests.fake_bot_server import FakeBotServer
from tests.stories import (
    RUN_ONE,
    assert_tagged,
    finish_a_run,
    pdf_pages,
    pdf_text,
    release,
    set_up,
    take_part,
)

IMPRINT = "https://www.musterstadt.example/impressum"
MUSTERSTADT = Operator(name="Stadt Musterstadt, Amt für Integration",
                       contact="integration@musterstadt.example, 0241 000000",
                       dpo_contact="datenschutz@musterstadt.example", imprint_url=IMPRINT)
UNNAMED = "Wer für Ihre Daten verantwortlich ist, ist hier nicht angegeben."


def test_settings_read_the_operator_and_keep_the_older_contact_setting_working() -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "SELBSTCHECK_OPERATOR_NAME": " Stadt Musterstadt ",
           "SELBSTCHECK_OPERATOR_CONTACT": "integration@musterstadt.example",
           "SELBSTCHECK_DPO_CONTACT": "datenschutz@musterstadt.example",
           "SELBSTCHECK_IMPRINT_URL": IMPRINT}
    settings = settings_from_env(env)
    assert settings.operator == Operator("Stadt Musterstadt", "integration@musterstadt.example",
                                         "datenschutz@musterstadt.example", IMPRINT)
    assert operator_warnings(settings.operator, env) == []

    older = {"TELEGRAM_BOT_TOKEN": TOKEN, "SELBSTCHECK_PRIVACY_CONTACT": "Integrationsbüro"}
    operator = settings_from_env(older).operator
    assert operator == Operator(contact="Integrationsbüro") and not operator.named
    warnings = operator_warnings(operator, older)
    assert len(warnings) == 2
    assert "SELBSTCHECK_PRIVACY_CONTACT ist veraltet und gilt als SELBSTCHECK_OPERATOR_CONTACT" \
        in warnings[0]
    assert warnings[1].startswith("SELBSTCHECK_OPERATOR_NAME ist nicht gesetzt")

    both = {**env, "SELBSTCHECK_PRIVACY_CONTACT": "Integrationsbüro"}
    assert settings_from_env(both).operator.contact == "integration@musterstadt.example"
    assert operator_warnings(settings_from_env(both).operator, both) == [
        "SELBSTCHECK_PRIVACY_CONTACT ist veraltet und wird ignoriert, weil "
        "SELBSTCHECK_OPERATOR_CONTACT gesetzt ist; bitte SELBSTCHECK_OPERATOR_CONTACT verwenden."]


async def test_datenschutz_and_welcome_name_the_operator_and_its_data_protection_officer(
        tmp_path: Path, small_questionnaire: Questionnaire) -> None:
    renderer = Renderer(operator=MUSTERSTADT)
    async with BotHarness(tmp_path / "o.db", small_questionnaire, renderer) as bot:
        anna = bot.person()
        await anna.send("/datenschutz")
        text = "\n".join(anna.texts())
        assert "Verantwortlich\nStadt Musterstadt, Amt für Integration\n" \
               "integration@musterstadt.example, 0241 000000" in text
        assert "Datenschutzbeauftragte*r: datenschutz@musterstadt.example" in text
        assert "Ihre Rechte" in text and "Aufsichtsbehörde" in text
        assert UNNAMED not in text
        await anna.send("/start")
        assert "Diesen Bot betreibt Stadt Musterstadt, Amt für Integration." in anna.last.text


async def test_without_an_operator_datenschutz_and_welcome_say_so_plainly(
        bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/datenschutz")
    text = "\n".join(anna.texts())
    assert f"Verantwortlich\n{UNNAMED}" in text
    assert "Datenschutzbeauftragte" not in text
    await anna.send("/start")
    # the welcome does not dwell on it: no line that reads like a warning sign
    assert "\n\nGespeichert werden Ihre Antworten, nicht Ihr Name" in anna.last.text
    assert "benannt" not in anna.last.text and "betreibt" not in anna.last.text


async def test_both_pdf_reports_are_tagged_and_show_the_operator_and_its_impressum(
        tmp_path: Path, small_questionnaire: Questionnaire) -> None:
    renderer = Renderer(operator=MUSTERSTADT)
    async with BotHarness(tmp_path / "o.db", small_questionnaire, renderer) as bot:
        anna = bot.person()
        await finish_a_run(anna, RUN_ONE)
        await anna.tap("Bericht als PDF")
        await anna.tap("Überspringen")
        title_page = pdf_pages(anna.last)[0]
        assert ("Bereitgestellt von: Stadt Musterstadt, Amt für Integration · "
                "integration@musterstadt.example, 0241 000000") in title_page
        assert "Datenschutzbeauftragte*r: datenschutz@musterstadt.example" in title_page
        assert f"Impressum: {IMPRINT}" in title_page
        assert anna.last.file is not None
        assert_tagged(anna.last.file, "Selbstcheck „Weltoffene Kommune“")

        chris = bot.person(1, "Chris")
        payload = await set_up(chris)
        for number in range(5):  # k, the smallest group a workshop result shows, is 5
            await take_part(bot.person(100 + number, f"P{number}"), payload,
                            "Politik", "ABCDABC")
        await release(chris)
        await chris.tap("📄 Bericht als PDF")
        pages = pdf_pages(chris.last)
        last_page = pages[-1]
        assert "Bereitgestellt von: Stadt Musterstadt, Amt für Integration" in last_page
        assert "Datenschutzbeauftragte*r: datenschutz@musterstadt.example" in last_page
        assert f"Impressum: {IMPRINT}" in last_page
        assert chris.last.file is not None
        assert_tagged(chris.last.file, "Selbstcheck-Workshop „Weltoffene Kommune“ – Musterstadt")
        # the title page keeps its room: the operator does not push anything off it
        assert "Bereitgestellt von" not in pages[0]


async def test_a_report_without_an_operator_closes_with_a_neutral_line(
        bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.tap("Bericht als PDF")
    await anna.tap("Überspringen")
    text = pdf_text(anna.last)
    assert "Erstellt mit dem Selbstcheck „Weltoffene Kommune“." in text
    assert "Bereitgestellt von" not in text and "benannt" not in text
    assert "Impressum" not in text  # none set


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named"])
def test_starting_without_an_operator_logs_one_warning_line(
        tmp_path: Path, small_questionnaire: Questionnaire, named: bool) -> None:
    # (a public address too: a local one has its own warning, see tests/flow/test_web.py)
    env = {"SELBSTCHECK_PUBLIC_URL": "https://selbstcheck.example.org"}
    env |= {"SELBSTCHECK_OPERATOR_NAME": "Stadt Musterstadt"} if named else {}
    with FakeBotServer() as server:
        bot = BotProcess(server, tmp_path / "bot.db", tmp_path / "questions",
                         tmp_path / "bot.log", **env)
        try:
            bot.start().wait_until_polling()
            assert bot.terminate() == 0
        finally:
            bot.stop_if_running()
    warnings = [line for line in bot.output().splitlines() if " WARNING " in line]
    if named:
        assert warnings == []
    else:
        assert len(warnings) == 1, bot.output()
        assert "SELBSTCHECK_OPERATOR_NAME ist nicht gesetzt" in warnings[0]
