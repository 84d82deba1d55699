"""The workshop's pure core: invitation payloads, groups under the threshold rule, aggregation."""

from __future__ import annotations

import random
import struct

import pytest

from bot.domain.questionnaire import Field, Questionnaire, Scale
from bot.domain.workshop import (
    FURTHER,
    OVERALL,
    PERSPECTIVES,
    PerspectiveProgress,
    Response,
    WorkshopResult,
    aggregate,
    form_groups,
    new_token,
    progress,
)
from bot.flows.invitations import CoordinatorInvitation, UnknownPayload, WorkshopInvitation
from bot.output.comparison_chart import comparison_chart, draw_comparison
from bot.output.qr import qr_png
from bot.output.render import Renderer
from bot.output.workshop_report import perspective_charts
from bot.telegram.deep_link import parse_start, start_link

TOKEN = "AbCdEfGhIjKlMnOpQrSt_-"  # 22 characters, as new_token() makes them
K = 3  # these stories are told with the smallest group size the setting allows


def aggregate_k3(fields: tuple[Field, ...], scale: Scale,
                 everyone: list[Response]) -> WorkshopResult:
    return aggregate(fields, scale, everyone, K)


# --- invitation payloads ---------------------------------------------------------


def test_new_tokens_fit_the_deep_link_and_differ() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        link = start_link("selbstcheck_test_bot", WorkshopInvitation(token))
        payload = link.split("?start=")[1]
        assert len(payload) <= 64
        assert parse_start([payload]) == WorkshopInvitation(token)


@pytest.mark.parametrize(("args", "expected"), [
    (None, None),
    ([], None),
    ([f"w_{TOKEN}"], WorkshopInvitation(TOKEN)),
    ([f"k_{TOKEN}"], CoordinatorInvitation(TOKEN)),
    ([f"w_{TOKEN[:-1]}"], UnknownPayload()),         # one character short
    ([f"w_{TOKEN}x"], UnknownPayload()),              # one too many
    ([f"x_{TOKEN}"], UnknownPayload()),               # unknown kind
    ([f"w_{TOKEN[:-1]}!"], UnknownPayload()),         # a character Telegram never sends
    ([f"w_{TOKEN}", "extra"], UnknownPayload()),      # typed by hand with a space
    (["w_" + "a" * 70], UnknownPayload()),            # longer than Telegram allows
    (["start"], UnknownPayload()),
])
def test_start_payload_is_parsed_strictly(args: list[str] | None, expected: object) -> None:
    assert parse_start(args) == expected


def test_a_link_is_never_built_from_a_malformed_token() -> None:
    with pytest.raises(ValueError):
        start_link("selbstcheck_test_bot", WorkshopInvitation("short"))
    with pytest.raises(ValueError):
        start_link("selbstcheck_test_bot", CoordinatorInvitation(TOKEN + "<"))


def test_qr_code_is_a_png() -> None:
    png = qr_png(start_link("selbstcheck_test_bot", WorkshopInvitation(TOKEN)))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png != qr_png(start_link("selbstcheck_test_bot", WorkshopInvitation(TOKEN[::-1])))


# --- groups and the threshold rule --------------------------------------------------


def shown(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(g.key, g.respondents) for g in form_groups(counts, K)]


def test_perspectives_with_three_are_shown_smaller_ones_pooled() -> None:
    assert shown({"politik": 3, "verwaltung_integration": 4, "bildung": 2, "andere": 1}) == [
        ("verwaltung_integration", 4), ("politik", 3), (FURTHER, 3)]


def test_a_pool_below_three_takes_the_smallest_shown_perspective_along() -> None:
    # "weitere Perspektiven" with only Bildung's 2 would expose them; Politik (3) joins the pool
    assert shown({"verwaltung_integration": 4, "politik": 3, "bildung": 2}) == [
        ("verwaltung_integration", 4), (FURTHER, 5)]
    groups = form_groups({"verwaltung_integration": 4, "politik": 3, "bildung": 2}, K)
    assert groups[-1].perspectives == ("politik", "bildung")


def test_when_nothing_can_be_shown_apart_there_are_no_groups() -> None:
    assert shown({"politik": 3, "bildung": 2}) == []
    assert shown({"politik": 2}) == []
    assert shown({"politik": 1, "bildung": 1, "andere": 1}) == []  # the pool is the whole room


def test_one_perspective_alone_is_its_own_group() -> None:
    assert shown({"leitung": 5}) == [("leitung", 5)]


def test_no_shown_group_is_ever_smaller_than_k() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        counts = {p: rng.choice([0, 0, 1, 2, 3, 4, 6]) for p in PERSPECTIVES}
        groups = form_groups(counts, K)
        assert all(g.respondents >= K for g in groups)
        if groups:
            assert sum(g.respondents for g in groups) == sum(counts.values())
            pooled = [p for g in groups for p in g.perspectives]
            assert len(pooled) == len(set(pooled))


def test_progress_is_ordered_like_the_perspective_list() -> None:
    state = progress([PerspectiveProgress(None, 2, 0), PerspectiveProgress("politik", 3, 1),
                      PerspectiveProgress("verwaltung_integration", 1, 1)])
    assert [row.perspective for row in state.rows] == ["verwaltung_integration", "politik", None]
    assert (state.joined, state.finished) == (6, 2)


# --- aggregation ------------------------------------------------------------------------


def responses(perspective: str, *answer_rows: str) -> list[Response]:
    """One response per row; a row's letters answer the 7 statements of the small questionnaire."""
    ids = ["eins-01", "eins-02", "eins-03", "zwei-01", "zwei-02", "drei-01", "drei-02"]
    return [Response(perspective, dict(zip(ids, row))) for row in answer_rows]


def test_below_k_respondents_there_is_no_result(small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                       responses("politik", "AAAAAAA", "DDDDDDD"))
    assert not result.available and result.fields == () and result.groups == ()


def test_field_scores_per_perspective_and_overall(small_questionnaire: Questionnaire) -> None:
    everyone = (responses("verwaltung_integration", *["AAAAAAA"] * 3)
                + responses("politik", *["DDDDDDE"] * 3)
                + responses("bildung", "BBBBBBE", "BBBBBBE")
                + responses("andere", "CCCCCCE"))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    assert [(g.key, g.respondents) for g in result.groups] == [
        ("verwaltung_integration", 3), ("politik", 3), (FURTHER, 3)]
    first = result.fields[0]
    assert [s.percent_rounded for _, s in first.by_group] == [100, 0, 56]  # (67+67+33)/3
    assert [s.level.id if s.level else None for _, s in first.by_group] == [
        "established", "starting", "advanced"]
    assert first.overall.percent_rounded == 52 and first.overall.raters == 9
    # the last statement: Politik and the pool all said "cannot judge"
    last = result.statements[-1]
    assert last.number == "3.2"
    assert [(g.key, s.withheld, s.percent) for g, s in last.by_group] == [
        ("verwaltung_integration", False, 100.0), ("politik", True, None), (FURTHER, True, None)]
    assert last.spread is None  # only one group left to compare
    assert [s.number for s in result.unjudged] == ["3.2"]
    assert (last.overall.unknown, last.overall.answers) == (6, 9)
    dialogue = result.dialogue
    assert [s.number for s in dialogue] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    assert all(s.spread == 100 for s in dialogue)


def test_every_person_counts_once_in_a_field(small_questionnaire: Questionnaire) -> None:
    # One person rates all three statements D, two rate one statement A and skip the rest (E):
    # per person 0 %, 100 %, 100 % -> 67 %, not pooled points (6 of 15 possible -> 40 %).
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                       responses("politik", "DDDAAAA", "AEEAAAA", "AEEAAAA"))
    score = result.fields[0].overall
    assert score.percent_rounded == 67
    assert (score.unknown, score.answers) == (4, 9)  # 44 % "cannot judge": still assessed
    assert score.level is not None and score.level.id == "advanced"


def test_too_many_cannot_judge_answers_make_a_field_insufficient(
        small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                       responses("politik", "AEEAAAA", "AEEAAAA", "AEEAAAA"))
    score = result.fields[0].overall
    assert score.percent_rounded == 100 and score.level is None and not score.withheld


def test_a_field_score_is_withheld_when_fewer_than_three_rated_there(
        small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                       responses("politik", "AAAAAAA", "EEEAAAA", "EEEAAAA"))
    score = result.fields[0].overall
    assert score.withheld and score.percent is None and score.raters is None  # no counts either


def test_small_differences_are_no_topic_for_dialogue(small_questionnaire: Questionnaire) -> None:
    everyone = (responses("politik", *["AAAAAAA"] * 2, "BBBBBBB")
                + responses("bildung", *["BBBBBBB"] * 3))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    assert result.comparable
    assert {round(s.spread or 0) for s in result.statements} == {22}  # 89 % vs 67 %
    assert result.dialogue == ()


def test_shared_low_fields_are_those_every_group_rated_low(
        small_questionnaire: Questionnaire) -> None:
    # Field 1 (statements 1-3): both groups low; field 2: politics high; field 3: both low,
    # but Bildung lower; statement 3.2 is "cannot judge" for Bildung, so not shared.
    everyone = (responses("politik", *["DDDAACD"] * 3)
                + responses("bildung", *["CDDDDDE"] * 3))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    assert result.comparable
    assert [f.field.id for f in result.shared_low_fields] == ["eins", "drei"]
    assert [s.number for s in result.shared_low_statements] == ["1.2", "1.3", "1.1", "3.1"]  # ties in order


def test_a_group_rating_a_field_well_keeps_it_off_the_shared_list(
        small_questionnaire: Questionnaire) -> None:
    everyone = (responses("politik", *["DDDDDDD"] * 3)
                + responses("bildung", *["BBBDDDD"] * 3))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    assert [f.field.id for f in result.shared_low_fields] == ["zwei", "drei"]
    assert "1.1" not in [s.number for s in result.shared_low_statements]


def test_one_group_alone_shares_the_rooms_low_fields(small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                          responses("politik", *["CCCAAAA"] * 3))
    assert not result.comparable
    assert [f.field.id for f in result.shared_low_fields] == ["eins"]


# --- the printable report's charts -------------------------------------------------------


def test_a_chart_per_perspective_shows_gaps_never_zeros(small_questionnaire: Questionnaire,
                                                        renderer: Renderer) -> None:
    everyone = (responses("verwaltung_integration", *["AAAAAAA"] * 3)
                + responses("politik", *["DDDDDEE"] * 3)           # cannot judge field 3
                + responses("bildung", "AEEBBAA", "AEEBBAA", "AEECCAA"))  # mostly E in field 1
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    charts = perspective_charts(result, small_questionnaire.scale, renderer)
    assert [(c.key, c.respondents) for c in charts] == [
        (OVERALL, 9), ("verwaltung_integration", 3), ("politik", 3), ("bildung", 3)]
    bars = {c.key: c.chart.bars for c in charts}
    assert [b.label for b in bars[OVERALL]] == ["1 Steuerung", "2 Öffnung", "3 Teilhabe"]
    assert [b.score for b in bars["politik"]] == [0, 0, None]  # a real zero, then a gap
    assert bars["politik"][2].note == "nicht gezeigt" and not bars["politik"][2].insufficient
    assert bars["bildung"][0].score is None and bars["bildung"][0].insufficient  # hatched
    assert bars["bildung"][0].note == "Zu wenige Einschätzungen"
    assert [b.score for b in bars["verwaltung_integration"]] == [100, 100, 100]
    assert all(c.chart.title is None for c in charts)  # the report heads each chart itself


# --- the comparison chart -----------------------------------------------------------------


def test_one_chart_compares_the_perspectives_field_by_field(
        small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    everyone = (responses("verwaltung_integration", *["AAAAAAA"] * 3)
                + responses("politik", *["DDDDDEE"] * 3)           # cannot judge field 3
                + responses("bildung", "BBBBBBE", "BBBBBBE")
                + responses("andere", "CCCCCCE"))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    labels = {key: renderer.text(f"workshop.perspective.{key}")
              for key in (*PERSPECTIVES, FURTHER, OVERALL)}
    chart = comparison_chart(result, small_questionnaire.scale, renderer, labels)
    assert [c.label for c in chart.columns] == [
        "Gesamt (9)", "Verwaltung: Integration (3)", "Politik (3)", "weitere Perspektiven (3)"]
    assert [f.label for f in chart.fields] == ["1 Steuerung", "2 Öffnung", "3 Teilhabe"]
    assert [b.score for b in chart.fields[0].bars] == [52, 100, 0, 56]  # a real zero for Politik
    third = chart.fields[2]
    # Politik could not judge field 3: a labelled gap, and the pool goes with it, or
    # overall minus the others would give Politik's value away; never a zero
    assert [(b.key, b.score, b.note) for b in third.bars] == [
        (OVERALL, 78, None), ("verwaltung_integration", 100, None),
        ("politik", None, "nicht gezeigt"), (FURTHER, None, "nicht gezeigt")]
    assert chart.value("1 Steuerung", "politik") == 0


def test_the_comparison_chart_is_sized_for_a_projector(
        small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    everyone = (responses("verwaltung_integration", *["AAAAAAA"] * 3)
                + responses("politik", *["DDDDDDD"] * 3))
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale, everyone)
    labels = {key: renderer.text(f"workshop.perspective.{key}")
              for key in (*PERSPECTIVES, FURTHER, OVERALL)}
    png = draw_comparison(comparison_chart(result, small_questionnaire.scale, renderer, labels))
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1920, 1080)
