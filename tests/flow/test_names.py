"""One rule for a municipality's name, in the report and in workshops, and for file names."""

from __future__ import annotations

import pytest

from bot.domain.names import NAME_MAX_LENGTH, file_slug, municipality_name, printable
from bot.output.workshop_export import slug
from tests.conftest import BotHarness
from tests.stories import RUN_ONE, finish_a_run, pdf_text

RLO, PDF_MARK, LRI, PDI, ZWSP, ZWJ, BOM, ALM = ("\u202e", "\u202c", "\u2066", "\u2069",
                                              "\u200b", "\u200d", "\ufeff", "\u061c")


def test_municipality_names_are_tidied_and_checked() -> None:
    assert municipality_name("  Stadt \n Musterstadt  ") == "Stadt Musterstadt"
    assert municipality_name("Köln") == "Köln"
    assert municipality_name("Frankfurt (Oder)") == "Frankfurt (Oder)"
    for not_a_name in ("!", "12345", "123", "x", "/workshop Bonn", "x" * (NAME_MAX_LENGTH + 1)):
        assert municipality_name(not_a_name) is None, not_a_name
    assert municipality_name("x" * NAME_MAX_LENGTH) == "x" * NAME_MAX_LENGTH


def test_invisible_and_direction_changing_characters_are_removed() -> None:
    assert municipality_name(f"{RLO}nnoB{PDF_MARK}") == "nnoB"
    assert municipality_name(f"Muster{ZWSP}stadt{ZWJ}{BOM}") == "Musterstadt"
    assert municipality_name(f"{LRI}Bad {ALM}Honnef{PDI}\u200e\u200f\u2060") == "Bad Honnef"
    assert municipality_name(f"{ZWSP}{ZWSP}1{BOM}") is None  # nothing visible is left
    # Invisible characters do not count towards the length either.
    assert municipality_name(ZWSP * 100 + "Bonn") == "Bonn"


@pytest.mark.parametrize("typed", ["123", "2 0 2 6", "!!"])
async def test_the_workshop_and_the_report_take_the_same_names(bot: BotHarness, typed: str) -> None:
    """ "123" used to be a fine workshop name but no municipality's name for the report."""
    chris = bot.person(4800, "Chris")
    await chris.send(f"/workshop {typed}")
    assert "darunter Buchstaben" in (chris.last.text or "")  # not accepted: asked again


def test_file_names_are_one_ascii_slug_without_invisible_characters() -> None:
    assert file_slug("Frankfurt (Oder)") == "Frankfurt-Oder"
    assert file_slug("Köln-Mülheim") == "Koeln-Muelheim"
    assert file_slug(f"{RLO}fdp.exe{PDF_MARK}") == "fdp-exe"
    assert file_slug("🏛️") == ""
    assert len(file_slug("Sankt " * 40)) <= 60 and not file_slug("Sankt " * 40).endswith("-")
    assert slug("🏛️") == "workshop"


def test_emoji_stay_out_of_the_printed_name() -> None:
    assert printable("Musterstadt 🏛️🌍") == "Musterstadt"
    assert printable("🇩🇪 Bonn ❤️ am Rhein") == "Bonn ❤ am Rhein"  # DejaVu draws ❤, not the emoji
    assert printable("Köln") == "Köln"


async def test_report_file_name_and_title_page_use_the_rules(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.send("/bericht")
    await anna.send(f"{RLO}Musterstadt 🏛️{ZWSP}")
    document = anna.last
    assert document.kind == "document"
    assert document.file_name is not None and "-Musterstadt-" in document.file_name
    text = pdf_text(document)
    assert "Musterstadt" in text
    assert "🏛" not in text and RLO not in text and ZWSP not in text


def test_questions_and_sentences_are_doubted_names_are_not() -> None:
    from bot.domain.names import NameDoubt, name_doubt
    assert name_doubt("Wie lange dauert das noch?") is NameDoubt.QUESTION
    assert name_doubt("Stadt Musterstadt?") is NameDoubt.QUESTION
    assert name_doubt("Ich bin aus Musterstadt") is NameDoubt.UNSURE
    assert name_doubt("Das geht doch nicht.") is NameDoubt.UNSURE
    for name in ("Stadt Musterstadt", "Landkreis Dachau", "Frankfurt (Oder)",
                 "Verbandsgemeinde Bad Ems-Nassau", "St. Ingbert"):
        assert name_doubt(name) is None, name
