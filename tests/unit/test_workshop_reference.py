"""The administration's own view beside the room's: never counted, only compared."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.dialogue_plan import DIFFER, REFERENCE, SHARED, dialogue_plan
from bot.domain.questionnaire import Questionnaire
from bot.domain.workshop import FURTHER, OVERALL, PERSPECTIVES, Response, aggregate
from bot.domain.workshop_reference import REFERENCE as REFERENCE_KEY
from bot.domain.workshop_reference import reference_of, reference_topics
from bot.output.comparison_chart import comparison_chart, draw_comparison
from bot.output.render import Renderer


def room(questionnaire: Questionnaire) -> list[Response]:
    ids = [s.id for f in questionnaire.fields for s in f.statements]
    low = dict.fromkeys(ids, "D")
    education = {**dict.fromkeys(ids, "C"), ids[3]: "A", ids[4]: "A"}  # field 2 rated high
    return ([Response("politik", low, person=i) for i in range(3)]
            + [Response("bildung", education, person=10 + i) for i in range(3)])


def test_the_reference_is_counted_in_no_group_nor_the_overall_nor_k(
        small_questionnaire: Questionnaire) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    ids = [s.id for f in fields for s in f.statements]
    own = dict.fromkeys(ids, "A")
    without = aggregate(fields, scale, room(small_questionnaire), 3)
    reference = reference_of(fields, scale, own, "2026-12-03")
    assert reference is not None
    with_reference = replace(without, reference=reference)
    # the room's numbers are what they were: the reference is beside them, not in them
    assert with_reference.respondents == 6 and with_reference.groups == without.groups
    assert with_reference.fields == without.fields
    assert with_reference.shared_low_fields == without.shared_low_fields
    assert with_reference.dialogue == without.dialogue
    # and it never makes a room big enough: two people plus the reference are no result
    assert not aggregate(fields, scale, room(small_questionnaire)[:2], 3).available
    assert reference.field(fields[0].id).percent == 100
    assert reference.statement(ids[0]).percent == 100


def test_topics_are_where_the_reference_and_the_overall_differ_by_a_scale_step(
        small_questionnaire: Questionnaire) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    ids = [s.id for f in fields for s in f.statements]
    result = aggregate(fields, scale, room(small_questionnaire), 3)
    assert reference_topics(result) == ()  # no reference, no such topic
    # the administration agrees with the room on field 2 (overall 50 %), not elsewhere
    own = {**dict.fromkeys(ids, "D"), ids[3]: "B", ids[4]: "B", ids[0]: "A"}
    topics = reference_topics(replace(result, reference=reference_of(fields, scale, own, "x")))
    assert [t.row.statement.id for t in topics] == [ids[0]]  # 100 against 17: one step and more
    assert round(topics[0].gap) == 83


def test_a_reference_needs_a_completed_field(small_questionnaire: Questionnaire) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    first = fields[0].statements
    assert reference_of(fields, scale, {first[0].id: "A"}, "x") is None  # half a field
    partial = reference_of(fields, scale, {s.id: "B" for s in first}, "x")
    assert partial is not None and partial.field(fields[1].id) is None


def test_the_dialogue_plan_mixes_disagreement_shared_work_and_the_administrations_view(
        small_questionnaire: Questionnaire) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    ids = [s.id for f in fields for s in f.statements]
    result = aggregate(fields, scale, room(small_questionnaire), 3)
    result = replace(result, reference=reference_of(fields, scale, dict.fromkeys(ids, "A"), "x"))
    plan = dialogue_plan(result)
    assert [q.kind for q in plan.questions] == [DIFFER, DIFFER, DIFFER, SHARED, SHARED, REFERENCE]
    assert len({q.row.statement.id for q in plan.questions}) == 6  # each statement once
    first = plan.questions[0]
    assert first.high is not None and first.high.key == "bildung" and first.low.key == "politik"
    assert plan.invite == ("politik", "bildung")
    assert "wirtschaft" in plan.absent and "andere" not in plan.absent
    assert [row.field.id for row in plan.shared_fields] == [fields[0].id, fields[2].id]
    # one group: nothing to compare, so nobody to invite for a disagreement
    alone = dialogue_plan(aggregate(fields, scale, room(small_questionnaire)[:3], 3))
    assert alone.invite == () and all(q.kind != DIFFER for q in alone.questions)


def test_the_comparison_chart_draws_the_reference_as_a_marked_column_of_its_own(
        small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    result = aggregate(fields, scale, room(small_questionnaire), 3)
    first_field_only = {s.id: "A" for s in fields[0].statements}
    result = replace(result, reference=reference_of(fields, scale, first_field_only, "x"))
    labels = {key: renderer.text(f"workshop.perspective.{key}")
              for key in (*PERSPECTIVES, FURTHER, OVERALL, REFERENCE_KEY)}
    chart = comparison_chart(result, scale, renderer, labels)
    assert [c.label for c in chart.columns] == [
        "Gesamt (6)", "Politik (3)", "Bildung (3)", "Referenz: Selbsteinschätzung der Verwaltung"]
    assert [c.reference for c in chart.columns] == [False, False, False, True]
    assert chart.value("1 Steuerung", REFERENCE_KEY) == 100
    assert chart.value("1 Steuerung", OVERALL) == 17  # the room's value, the reference apart
    unanswered = chart.fields[1].bars[-1]
    assert (unanswered.score, unanswered.note) == (None, "nicht beantwortet")
    png = draw_comparison(chart)
    assert png.startswith(b"\x89PNG")
