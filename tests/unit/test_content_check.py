"""The content checks beyond loading: reading score, sources, answering notes, councils, terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.content_check import check_reports, load_style, reading_score, syllables
from bot.resources import QUESTIONS_DIR, REPORTS_DIR
from tests.unit.test_questionnaire import check_output, shipped_copy


@pytest.mark.parametrize(("word", "count"), [
    ("Einwohner*innen", 5), ("Kommune", 3), ("Sie", 1), ("Beteiligung", 4), ("Bus", 1), ("hm", 1)])
def test_syllables_are_vowel_groups(word: str, count: int) -> None:
    assert syllables(word) == count


def test_the_reading_score_is_flesch_amstad() -> None:
    # 5 words, 2 sentences, 7 syllables: 180 − 2.5 − 58.5 × 1.4
    assert reading_score(["Das ist gut. Sie antworten."]) == pytest.approx(95.6)
    # an abbreviation ends no sentence: one sentence of 5 words, 8 syllables (bzw: one)
    assert reading_score(["Der Rat bzw. Kreistag entscheidet."]) == \
        pytest.approx(180 - 5 - 58.5 * 8 / 5)
    assert reading_score([]) == 0.0
    longer = "Die Verwaltung der Kommune überprüft regelmäßig die Wirksamkeit ihrer Integrationsmaßnahmen."
    assert reading_score([longer]) < reading_score(["Die Kommune prüft, was wirkt."])


@pytest.mark.parametrize(("name", "old", "new", "line"), [
    ("04_wirtschaft.toml", '[[sources]]\ntitle = "Förderprogramm „Integration durch Qualifizierung (IQ)“"\n'
     'publisher = "Bundesministerium für Arbeit und Soziales"\nyear = 2005\n\n'
     '[[sources]]\ntitle = "Portal „Anerkennung in Deutschland“"\npublisher = "Bundesinstitut für '
     'Berufsbildung im Auftrag des Bundesministeriums für Bildung und Forschung"\nyear = 2012\n\n'
     '[[sources]]\ntitle = "Portal „Make it in Germany“"\npublisher = "Bundesregierung"\nyear = 2012\n\n'
     '[[sources]]\ntitle = "Beratungsnetzwerk „Faire Mobilität“"\npublisher = "Deutscher '
     'Gewerkschaftsbund"\nyear = 2011\n', "",
     "! keine Quelle zum Weiterlesen ([[sources]])"),
    ("01_steuerung.toml", 'answering = "Gibt es keinen solchen Beschluss: „Trifft nicht zu“. Liegt ein '
     'Beschluss lange zurück und spielt heute keine Rolle mehr: „Trifft eher nicht zu“."\n', "",
     "! steuerung-01: „So antworten Sie“ (answering) fehlt"),
    ("06_zusammenhalt.toml", "Legen Sie eine Änderung gegebenenfalls dem Gemeinderat vor.",
     "Legen Sie eine Änderung gegebenenfalls Rat bzw. Kreistag vor.",
     "! zusammenhalt-13: suggestion: „Friedhofssatzung“ beschließt der Gemeinderat (Stadtrat), "
     "nicht „Kreistag“"),
    ("06_zusammenhalt.toml", "In den Orts- und Stadtteilen der Kommune", "In den Stadtteilen der Kommune",
     "! zusammenhalt-02: Aussage: „Stadtteil“"),
    ("06_zusammenhalt.toml", "in denen Einwohner*innen neu Eingewanderte",
     "in denen Alteingesessene neu Eingewanderte",
     "! zusammenhalt-08: Aussage: „Alteingesessene“"),
    ("04_wirtschaft.toml", 'text = "Ein Welcome Center begleitet', 'text = "Ein Welcome-Service begleitet',
     "! wirtschaft-10: Aussage: „Welcome-Service“ – besser: Welcome Center"),
    ("style.toml", "min_score = 40", "min_score = 99", "! Lesbarkeit "),
    ("02_oeffnung.toml", 'answering = "Ist eine Stelle benannt, die aber kaum jemand kennt: „Trifft eher '
     'nicht zu“. Ist keine benannt: „Trifft nicht zu“."', 'answering = "Eine gute Beschwerdestelle ist bekannt."',
     "! oeffnung-16: „So antworten Sie“ nennt keine Antwort"),
])
def test_a_content_rule_refuses_a_change_by_name(tmp_path: Path, name: str, old: str, new: str,
                                                  line: str) -> None:
    result = check_output(shipped_copy(tmp_path, name, old, new))
    assert result.returncode == 1, result.stdout + result.stderr
    assert line in result.stdout
    assert "Nicht alle Handlungsfelder sind vollständig." in result.stdout


def test_the_shipped_reports_keep_one_voice_and_one_term_per_concept() -> None:
    assert check_reports(REPORTS_DIR, load_style(QUESTIONS_DIR)) == ()


def test_a_term_or_voice_broken_in_a_template_is_named(tmp_path: Path) -> None:
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "x.html.j2").write_text(
        "<b>Unsere nächsten Schritte</b> {{ step }} mit der Arbeitsagentur\n", encoding="utf-8")
    (tmp_path / "texts.toml").write_text('label = "Konflikt-Management"\n', encoding="utf-8")
    problems = check_reports(tmp_path, load_style(QUESTIONS_DIR))
    assert problems[0].startswith("chat/x.html.j2: „Unser“ – besser: die Kommune")
    assert "chat/x.html.j2: „Arbeitsagentur“ – besser: Agentur für Arbeit" in problems
    assert "texts.toml: „Konflikt-Management“ – besser: Konfliktmanagement" in problems

