"""The wall's sequence of slides: each says something or says why not, and steps stay within it."""

from __future__ import annotations

import struct

from bot.domain.questionnaire import Questionnaire
from bot.domain.workshop import FURTHER, OVERALL, PERSPECTIVES, WorkshopResult
from bot.output.comparison_chart import comparison_chart, draw_comparison
from bot.output.render import Renderer
from bot.web.projector import Projection, slides_of
from tests.unit.test_workshop_aggregation import aggregate_k3, responses


def keys(result: WorkshopResult | None) -> list[str]:
    return [slide.key for slide in slides_of(result)]


def projection(result: WorkshopResult | None) -> Projection:
    return Projection(workshop=None, link="", progress=None, result=result,  # type: ignore[arg-type]
                      interim=False, steps=(), slides=slides_of(result), current="beitreten")


def test_before_a_release_the_wall_has_the_join_slide_the_comparison_and_the_steps() -> None:
    assert keys(None) == ["beitreten", "vergleich", "schritte"]
    assert projection(None).why_not_compared == "nothing_released"


def test_two_groups_apart_give_a_slide_per_topic(small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                          responses("politik", *["DDDDDDD"] * 3)
                          + responses("bildung", *["AAAAAAA"] * 3))
    assert keys(result) == ["beitreten", "vergleich", *[f"thema/{n}" for n in range(1, 8)],
                            "baustellen", "schritte"]
    wall = projection(result)
    assert wall.why_not_compared is None
    assert wall.beside("vergleich", 1).key == "thema/1"
    assert wall.beside("thema/7", 1).key == "baustellen"
    assert wall.beside("beitreten", -1).key == "beitreten"  # the ends hold
    assert wall.beside("schritte", 1).key == "schritte"
    assert wall.beside("thema/99", 1).key == "beitreten"  # a slide gone: from the start


def test_two_groups_alike_give_one_slide_saying_there_is_no_topic(
        small_questionnaire: Questionnaire) -> None:
    result = aggregate_k3(small_questionnaire.fields, small_questionnaire.scale,
                          responses("politik", *["BBBBBBB"] * 3)
                          + responses("bildung", *["BBBBBBB"] * 3))
    assert keys(result) == ["beitreten", "vergleich", "themen", "baustellen", "schritte"]


def test_without_two_groups_the_wall_says_why_and_shows_no_topic(
        small_questionnaire: Questionnaire) -> None:
    fields, scale = small_questionnaire.fields, small_questionnaire.scale
    alone = aggregate_k3(fields, scale, responses("politik", *["DDDDDDD"] * 4))
    assert keys(alone) == ["beitreten", "vergleich", "baustellen", "schritte"]
    assert projection(alone).why_not_compared == "one_perspective"
    # two each in three perspectives: all below k = 3, pooled into nothing to compare
    scattered = aggregate_k3(fields, scale, responses("politik", "DDDDDDD", "DDDDDDD")
                             + responses("bildung", "AAAAAAA", "AAAAAAA")
                             + responses("andere", "BBBBBBB", "BBBBBBB"))
    assert projection(scattered).why_not_compared == "too_small_groups"
    few = aggregate_k3(fields, scale, responses("politik", "DDDDDDD", "DDDDDDD"))
    assert projection(few).why_not_compared == "too_few"
    assert keys(few) == ["beitreten", "vergleich", "schritte"]


def test_the_walls_chart_names_the_levels_and_keeps_its_size(
        small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    scale = small_questionnaire.scale
    result = aggregate_k3(small_questionnaire.fields, scale,
                          responses("politik", *["DDDDDDD"] * 3)
                          + responses("bildung", *["AAAAAAA"] * 3))
    labels = {key: renderer.text(f"workshop.perspective.{key}")
              for key in (*PERSPECTIVES, FURTHER, OVERALL)}
    chart = comparison_chart(result, scale, renderer, labels, levels=True)
    assert chart.levels == ((75, "Etablierte Stärke"), (50, "Auf gutem Weg"),
                            (25, "Erste Bausteine"), (0, "Ausgangspunkt"))
    assert comparison_chart(result, scale, renderer, labels).levels == ()  # the PDF's as before
    png = draw_comparison(chart, "png", 144, 1.25)
    assert struct.unpack(">II", png[16:24]) == (1920, 1080)


def test_more_than_three_agreed_steps_continue_on_a_second_slide() -> None:
    assert keys(None) == ["beitreten", "vergleich", "schritte"]
    assert slides_of(None, 3)[-1].key == "schritte"
    assert [s.key for s in slides_of(None, 5)][-2:] == ["schritte", "schritte/2"]
    assert [s.number for s in slides_of(None, 5)][-2:] == [1, 2]
