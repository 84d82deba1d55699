"""One rule for a level: the word and the percentage come from the same rounded value."""

from __future__ import annotations

import pytest

from bot.domain.questionnaire import Questionnaire, shown_percent
from bot.domain.scoring import score_field
from bot.domain.workshop import Response, aggregate


@pytest.mark.parametrize(("score", "shown", "level"), [
    (74.5, 75, "Etablierte Stärke"), (74.49, 74, "Auf gutem Weg"),
    (49.6, 50, "Auf gutem Weg"), (49.5, 50, "Auf gutem Weg"), (49.49, 49, "Erste Bausteine"),
    (24.5, 25, "Erste Bausteine"), (24.4, 24, "Ausgangspunkt"), (0.0, 0, "Ausgangspunkt"),
    (100.0, 100, "Etablierte Stärke"),
])
def test_the_level_is_judged_by_the_percentage_shown(small_questionnaire: Questionnaire,
                                                     score: float, shown: int,
                                                     level: str) -> None:
    assert shown_percent(score) == shown
    assert small_questionnaire.scale.level_for(score).label == level


def test_personal_and_workshop_results_name_the_same_level_for_the_same_percentage(
        small_questionnaire: Questionnaire) -> None:
    scale = small_questionnaire.scale
    field = small_questionnaire.fields[0]  # three statements
    half = {"eins-01": "A", "eins-02": "D", "eins-03": "E"}  # 3 of 6 points: 50 %
    less = {"eins-01": "B", "eins-02": "B", "eins-03": "D"}  # 4 of 9 points: 44.4 %
    personal = score_field(field, half, scale)
    assert personal.score == 50
    # Eleven people at 50 % and one at 44.4 %: the workshop's mean is 49.54 %, shown as 50 %.
    responses = [Response("verwaltung", half, person=i) for i in range(11)]
    responses.append(Response("verwaltung", less, person=11))
    overall = aggregate((field,), scale, responses, minimum=5).fields[0].overall
    assert overall.percent is not None and 49.5 < overall.percent < 50
    assert (overall.level, overall.percent_rounded) == (personal.level, personal.score_percent)
    assert personal.level is not None and personal.level.label == "Auf gutem Weg"
