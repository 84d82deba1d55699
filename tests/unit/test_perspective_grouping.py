"""How a room's perspectives are grouped: sectors, one's own grouping, and the forecast that
tells a coordinator at set-up which groups the result will show."""

from __future__ import annotations

import random

from bot.domain.perspectives import (
    ADMINISTRATION,
    EACH,
    OWN,
    PERSPECTIVES,
    SECTOR_OF,
    SECTORED,
    SECTORS,
    Grouping,
)
from bot.domain.questionnaire import Questionnaire
from bot.domain.workshop import FURTHER, Response, aggregate, forecast, form_groups
from bot.flows.actions import DraftAlone, DraftExpect, DraftGrouping, DraftStep
from bot.flows.buttons import decode, encode

K = 5
# 15 people spread over the seed's groups
ROOM = {"verwaltung_integration": 2, "leitung": 1, "verwaltung_fachamt": 1, "auslaenderbehoerde": 1,
        "politik": 3, "migration": 2, "zivilgesellschaft": 2, "bildung": 1, "wirtschaft": 2}


def shown(counts: dict[str, int], grouping: Grouping) -> list[tuple[str, int]]:
    return [(g.key, g.respondents) for g in form_groups(counts, K, grouping)]


def test_the_auslaenderbehoerde_is_a_perspective_of_its_own_within_the_administration() -> None:
    assert "auslaenderbehoerde" in PERSPECTIVES and "auslaenderbehoerde" in ADMINISTRATION
    assert SECTOR_OF["auslaenderbehoerde"] == "sektor_verwaltung"
    assert "andere" not in SECTOR_OF  # belongs to no sector: always a group of its own
    assert sorted(SECTOR_OF) == sorted(p for p in PERSPECTIVES if p != "andere")


def test_four_sectors_compare_a_room_that_each_perspective_would_pool_away() -> None:
    assert shown(ROOM, Grouping()) == []  # no perspective reaches five: only "Gesamt"
    assert shown(ROOM, Grouping.sectors()) == [
        ("sektor_verwaltung", 5), ("sektor_zivilgesellschaft", 5), (FURTHER, 5)]
    pooled = form_groups(ROOM, K, Grouping.sectors())[-1]
    assert pooled.perspectives == ("politik", "wirtschaft")


def test_the_issue_s_room_of_thirteen_keeps_civil_society() -> None:
    room = {"politik": 5, "zivilgesellschaft": 5, "migration": 2, "bildung": 1}
    assert shown(room, Grouping()) == [("politik", 5), (FURTHER, 8)]  # civil society merged away
    assert shown(room, Grouping.sectors()) == [("sektor_politik", 5),
                                               ("sektor_zivilgesellschaft", 8)]


def test_an_own_grouping_keeps_chosen_perspectives_apart_and_the_rest_in_their_sector() -> None:
    room = {"migration": 5, "zivilgesellschaft": 4, "bildung": 1, "leitung": 2, "politik": 5}
    grouping = Grouping(Grouping.sectors().sectored - {"migration"}, own=True)
    assert grouping.mode == OWN
    assert dict(grouping.units())["sektor_zivilgesellschaft"] == ("zivilgesellschaft", "bildung")
    groups = form_groups(room, K, grouping)
    # Verwaltung (2) is too small for a pool: the later of the smallest shown groups joins it
    assert [(g.key, g.respondents) for g in groups] == [
        ("sektor_politik", 5), ("migration", 5), (FURTHER, 7)]
    assert groups[-1].perspectives == ("leitung", "zivilgesellschaft", "bildung")


def test_a_grouping_is_stored_and_read_back_the_same() -> None:
    for grouping in (Grouping(), Grouping.sectors(), Grouping(frozenset({"politik"}), own=True),
                     Grouping(frozenset(), own=True)):
        assert Grouping.from_stored(grouping.stored()) == grouping
    assert Grouping().stored() is None  # as every workshop before the choice
    assert Grouping.sectors().mode == SECTORED and Grouping().mode == EACH
    assert Grouping.from_stored("eigene:politik,erfunden") == Grouping(frozenset({"politik"}),
                                                                       own=True)


def test_no_grouping_ever_shows_a_group_below_k_or_loses_anybody() -> None:
    rng = random.Random(23)
    for _ in range(1500):
        counts = {p: rng.choice([0, 0, 1, 2, 3, 4, 5, 7]) for p in PERSPECTIVES}
        grouping = Grouping(frozenset(p for p in SECTOR_OF if rng.random() < 0.5),
                            own=rng.random() < 0.5)
        groups = form_groups(counts, K, grouping)
        assert all(g.respondents >= K for g in groups)
        members = [p for g in groups for p in g.perspectives]
        assert len(members) == len(set(members))
        if groups:
            assert sum(g.respondents for g in groups) == sum(counts.values())
            assert {p for p, n in counts.items() if n} <= set(members)


def test_the_forecast_is_what_the_aggregate_shows_with_exactly_those_people(
        small_questionnaire: Questionnaire) -> None:
    questionnaire = small_questionnaire
    fields = questionnaire.fields[:2]
    every = {s.id: "A" for f in fields for s in f.statements}
    rng = random.Random(5)
    groupings = [Grouping(), Grouping.sectors(),
                 *(Grouping(frozenset(p for p in SECTOR_OF if rng.random() < 0.5), own=True)
                   for _ in range(4))]
    for round_ in range(300):
        expected = {p: rng.choice([0, 0, 1, 2, 3, 5, 6]) for p in PERSPECTIVES}
        grouping = groupings[round_ % len(groupings)]
        people = [Response(p, every, person=i) for i, p in enumerate(
            p for p, n in expected.items() for _ in range(n))]
        result = aggregate(fields, questionnaire.scale, people, K, grouping=grouping,
                           statements=False)
        assert forecast(expected, K, grouping) == result.groups, (expected, grouping)


def test_set_up_buttons_name_a_state_and_refuse_what_is_not_one() -> None:
    for action in (DraftGrouping(SECTORED), DraftAlone("auslaenderbehoerde", alone=True),
                   DraftExpect("auslaenderbehoerde", 99), DraftExpect("andere", 0),
                   DraftStep("groups"), DraftStep("fields")):
        data = encode(action)
        assert decode(data) == action and len(data.encode()) <= 64
    for forged in ("wd:n:politik:100", "wd:n:politik:-1", "wd:n:politik:07", "wd:a:+:andere",
                   "wd:g:alle", "wd:n:admin:3", f"wd:n:{next(iter(SECTORS))}:3"):
        assert decode(forged) is None, forged
