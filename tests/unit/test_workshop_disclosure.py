"""The workshop's anonymity, attacked: differencing two releases, complementary cells in
one, and groups below the minimum size – through the CSV export, which prints the most."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.domain.disclosure import Cell, suppress_row
from bot.domain.perspectives import EACH_ALONE, Grouping
from bot.domain.questionnaire import Questionnaire
from bot.domain.workshop import GROUP_KEYS, OVERALL, PERSPECTIVES, Response, WorkshopResult, aggregate, counted
from bot.domain.workshop_release import Changes, Marker, from_snapshot, markers_of, short_of_release, snapshot
from bot.output.render import Renderer
from bot.output.workshop_export import result_csv
from tests.disclosure_attack import (
    Event,
    Export,
    read_export,
    recovered_by_complement,
    recovered_by_difference,
    recovered_from_chain,
    withheld_counts_printed,
)

IDS = ["eins-01", "eins-02", "eins-03", "zwei-01", "zwei-02", "drei-01", "drei-02"]


def person(number: int, perspective: str, letters: str) -> Response:
    return Response(perspective, dict(zip(IDS, letters)), person=number)


class Releases:
    """Releases as the workshop desk makes them: aggregate against the last one, store, reload."""

    def __init__(self, questionnaire: Questionnaire, renderer: Renderer, k: int,
                 grouping: Grouping = EACH_ALONE) -> None:
        self.q, self.renderer, self.k, self.grouping = questionnaire, renderer, k, grouping
        self.labels = {key: renderer.text(f"workshop.perspective.{key}") for key in GROUP_KEYS}
        self.last: tuple[WorkshopResult, tuple[Marker, ...]] | None = None
        self.changes: Changes | None = None

    def release(self, people: list[Response], deleted: tuple[int, ...] = ()) -> WorkshopResult:
        if self.last is not None:
            result, markers = self.last
            # what the database keeps of a deleted person: that somebody of that perspective left
            markers = tuple(Marker(None, m.perspective, m.statement_id, None)
                            if m.person in deleted else m for m in markers)
            self.changes = Changes(self.q.fields, people, markers, result)
        draft = aggregate(self.q.fields, self.q.scale, people, self.k, self.changes,
                          grouping=self.grouping)
        self.draft = draft
        stored = from_snapshot(snapshot(draft), self.q.fields, self.q.scale)
        self.last = (stored, markers_of(self.q.fields, people))
        return stored

    def export(self, result: WorkshopResult, atoms: list[str]) -> tuple[bytes, Export]:
        content = result_csv(result, self.q.scale, self.renderer, self.labels)
        groups = {self.labels[g.key]: g.perspectives for g in result.groups}
        groups[self.labels[OVERALL]] = tuple(atoms)
        return content, read_export(content, groups)


def room(k: int, seed: int) -> list[Response]:
    """k + 1 people in each of three perspectives, answering at random (E now and then)."""
    rng = random.Random(seed)
    people = []
    for perspective in ("verwaltung_integration", "politik", "zivilgesellschaft"):
        for _ in range(k + 1):
            letters = "".join(rng.choice("AABBCCDE") for _ in IDS)
            people.append(person(len(people) + 1, perspective, letters))
    return people


ATOMS = ["verwaltung_integration", "politik", "zivilgesellschaft"]
# as four sectors: two perspectives in the administration, two in civil society
SECTOR_ATOMS = ["verwaltung_integration", "auslaenderbehoerde", "politik", "zivilgesellschaft",
                "migration"]


def moved_rows(questionnaire: Questionnaire, before: list[Response],
               after: list[Response]) -> set[tuple[str, str]]:
    """The CSV rows (statements and their fields) where somebody's counted answer differs."""
    old = {p.person: p.answers for p in counted(questionnaire.fields, before)}
    new = {p.person: p.answers for p in counted(questionnaire.fields, after)}
    rows = set()
    for statement_id in IDS:
        if any(old.get(n, {}).get(statement_id) != new.get(n, {}).get(statement_id)
               for n in old.keys() | new.keys()):
            field = {"eins": "1", "zwei": "2", "drei": "3"}[statement_id.split("-")[0]]
            place = int(statement_id.split("-")[1])
            rows |= {("Aussage", f"{field}.{place}"), ("Handlungsfeld", field)}
    return rows


def event(name: str, people: list[Response]) -> tuple[list[Response], str, tuple[int, ...]]:
    """One person joins (and finishes), changes an answer or deletes their data: the people
    after it, the perspective of who it was, and who deleted their data."""
    match name:
        case "join":
            return [*people, person(99, "politik", "ABCDABC")], "politik", ()
        case "change":
            first = people[0]
            changed = dict(first.answers)
            changed["eins-01"] = "D" if changed["eins-01"] != "D" else "A"
            return ([Response(first.perspective, changed, person=first.person), *people[1:]],
                    first.perspective, ())
        case "delete":
            gone = people[-1]
            return people[:-1], gone.perspective, (gone.person,)
    raise AssertionError(name)


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("what", ["join", "change", "delete"])
def test_two_releases_around_one_persons_change_reveal_nothing(
        small_questionnaire: Questionnaire, renderer: Renderer, k: int, what: str) -> None:
    for seed in range(5):
        releases = Releases(small_questionnaire, renderer, k)
        before = room(k, seed)
        _, first = releases.export(releases.release(before), ATOMS)
        after, perspective, deleted = event(what, before)
        # the closing release is made whatever changed: it still must not give the person away
        _, second = releases.export(releases.release(after, deleted), ATOMS)
        assert releases.changes is not None
        assert short_of_release(releases.draft, releases.changes), "no interim release"
        moved = moved_rows(small_questionnaire, before, after)
        assert moved
        assert recovered_by_difference(first, second, ATOMS, perspective, moved) == []
        assert recovered_by_complement(second, ATOMS) == []


@pytest.mark.parametrize("k", [3, 5])
def test_completing_a_field_after_a_release_reveals_nothing(
        small_questionnaire: Questionnaire, renderer: Renderer, k: int) -> None:
    releases = Releases(small_questionnaire, renderer, k)
    before = [*room(k, 1), person(98, "politik", "AB")]  # two answers: nothing counted yet
    _, first = releases.export(releases.release(before), ATOMS)
    after = [*before[:-1], person(98, "politik", "ABD")]  # field 1 complete: it counts now
    _, second = releases.export(releases.release(after), ATOMS)
    moved = moved_rows(small_questionnaire, before, after)
    assert recovered_by_difference(first, second, ATOMS, "politik", moved) == []
    assert releases.draft.respondents == len(after)


def test_the_attacker_finds_what_a_naive_export_gives_away(
        small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    """Without releases and secondary suppression, both attacks work: this is the attacker
    the other tests run, and it is not blind."""
    k = 3
    labels = {"Gesamt": tuple(ATOMS), "Politik": ("politik",),
              "Verwaltung: Integration": ("verwaltung_integration",),
              "Zivilgesellschaft / Wohlfahrt": ("zivilgesellschaft",)}
    row = ("Aussage", "1.1")
    shown = ("3", "3", "0", "67")
    live_before = Export({row: {label: shown for label in labels}}, labels)
    assert recovered_by_difference(live_before, live_before, ATOMS, "politik",
                                   {row}) == [(row, "d")]
    one_withheld = Export({row: {**{label: shown for label in labels}, "Politik": None}}, labels)
    assert recovered_by_complement(one_withheld, ATOMS) == [(row, "Politik")]
    assert k == 3


@pytest.mark.parametrize("k", [3, 5])
def test_one_export_with_a_withheld_cell_gives_nothing_away(
        small_questionnaire: Questionnaire, renderer: Renderer, k: int) -> None:
    people = room(k, 7)
    # everyone in Politik but one cannot judge the last statement: Politik's cell there is
    # withheld, and overall minus the others must not give that one person's answer
    people = [Response(p.perspective, {**p.answers, "drei-02": "E"}, person=p.person)
              if p.perspective == "politik" else p for p in people]
    lone = next(p for p in people if p.perspective == "politik")
    people[people.index(lone)] = Response("politik", {**lone.answers, "drei-02": "A"},
                                          person=lone.person)
    releases = Releases(small_questionnaire, renderer, k)
    result = releases.release(people)
    content, export = releases.export(result, ATOMS)
    cells = export.rows[("Aussage", "3.2")]
    assert cells["Politik"] is None
    assert sum(numbers is None for numbers in cells.values()) >= 2  # a partner is withheld too
    assert recovered_by_complement(export, ATOMS) == []
    assert not withheld_counts_printed(content)


def test_coordinators_answers_are_not_counted(small_questionnaire: Questionnaire) -> None:
    people = room(3, 3)
    coordinator = Response("politik", dict(zip(IDS, "DDDDDDD")), person=500, coordinator=True)
    without = aggregate(small_questionnaire.fields, small_questionnaire.scale, people, 3)
    with_them = aggregate(small_questionnaire.fields, small_questionnaire.scale,
                          [*people, coordinator], 3)
    assert with_them == without


# --- groups below k are never shown on their own ----------------------------------------


@pytest.mark.parametrize("k", [3, 5, 8])
def test_a_group_below_k_is_never_shown_on_its_own(small_questionnaire: Questionnaire,
                                                    k: int) -> None:
    rng = random.Random(k)
    for _ in range(60):
        people = [person(i, rng.choice(PERSPECTIVES[:5]),
                         "".join(rng.choice("ABCDEE") for _ in range(rng.choice([2, 3, 5, 7]))))
                  for i in range(rng.randrange(0, 4 * k))]
        result = aggregate(small_questionnaire.fields, small_questionnaire.scale, people, k)
        counted = Counter(p.perspective for p in people if len(p.answers) >= 3)
        assert all(group.respondents >= k for group in result.groups)
        for group in result.groups:
            if len(group.perspectives) == 1:
                assert counted[group.perspectives[0]] >= k
        for row in (*result.fields, *result.statements):
            for score in (row.overall, *(s for _, s in row.by_group)):
                assert score.withheld or (score.raters or 0) >= k
        if len(people) and not result.available:
            assert result.groups == () and result.fields == ()


# --- the suppression rule on its own ----------------------------------------------------


def test_one_withheld_group_takes_the_smallest_other_along() -> None:
    hidden, overall = suppress_row([Cell(5), Cell(1, 4), Cell(6), Cell(5)], Cell(17), 5)
    assert hidden == {1, 3} and not overall  # the later of the two smallest


def test_withheld_groups_must_together_hold_k_raters() -> None:
    hidden, overall = suppress_row([Cell(1, 1), Cell(2, 2), Cell(9), Cell(7)], Cell(19), 5)
    assert hidden == {0, 1, 3} and not overall


def test_the_overall_goes_when_nothing_is_left_to_withhold() -> None:
    hidden, overall = suppress_row([Cell(5), Cell(1, 1)], Cell(6), 5)
    assert hidden == {0, 1} and not overall  # 6 raters together: the overall may stay
    hidden, overall = suppress_row([Cell(1, 1), Cell(2, 2)], Cell(3, 3), 5)
    assert hidden == {0, 1} and overall


def test_a_cell_known_from_the_last_release_protects_nobody() -> None:
    known = Cell(6, changed=0, shown_before=True)
    moved = Cell(6, changed=1, shown_before=True)  # one person changed: withheld
    fresh = Cell(7, changed=5, shown_before=True)
    hidden, overall = suppress_row([known, moved, fresh], Cell(19, changed=6), 5)
    assert hidden == {1, 2} and not overall  # not the known one: its value is out already


@pytest.mark.parametrize("k", [3, 5, 8])
def test_no_row_ever_leaves_a_withheld_cell_computable(k: int) -> None:
    rng = random.Random(100 + k)
    for _ in range(3000):
        cells = []
        for _ in range(rng.randrange(1, 6)):
            raters = rng.choice([0, 1, 2, k - 1, k, k + 3])
            cells.append(Cell(raters, raters + rng.choice([0, 0, 1, 3]),
                              changed=rng.choice([None]), shown_before=False))
        overall = Cell(sum(c.raters for c in cells), sum(c.answers for c in cells))
        hidden, overall_hidden = suppress_row(cells, overall, k)
        assert all(i in hidden for i, c in enumerate(cells) if c.raters < k)
        if hidden and not overall_hidden:
            assert len(hidden) >= 2
            assert sum(cells[i].answers for i in hidden) >= k
            assert sum(cells[i].raters for i in hidden) in (0, *range(k, 10 * k))
        if overall_hidden:
            assert hidden


@pytest.mark.parametrize(("grouping", "atoms"), [(Grouping(), ATOMS),
                                                  (Grouping.sectors(), SECTOR_ATOMS)],
                         ids=["each perspective", "four sectors"])
@pytest.mark.parametrize("k", [3, 5])
def test_no_chain_of_releases_gives_one_person_away(
        small_questionnaire: Questionnaire, renderer: Renderer, k: int, grouping: Grouping,
        atoms: list[str]) -> None:
    """Five releases with joins, changed answers, deletions and k people joining at once in
    between, all exports read together: no single person's contribution follows, whether the
    perspectives are shown each on their own or in sectors."""
    shown: set[str] = set()
    for seed in range(25):
        rng = random.Random(seed)
        releases = Releases(small_questionnaire, renderer, k, grouping)

        def letters(rng: random.Random = rng) -> str:
            return "".join(rng.choice("ABCDEE") for _ in IDS)

        people = [person(i, rng.choice(atoms), letters()) for i in range(rng.randrange(2 * k, 6 * k))]
        exports = [releases.export(releases.release(people), atoms)[1]]
        events = []
        for step in range(4):
            what = rng.choice(["join", "change", "delete", "group"])
            deleted: tuple[int, ...] = ()
            if what == "join":
                after = [*people, person(1000 + step, rng.choice(atoms), letters())]
                perspective = after[-1].perspective
            elif what == "group":
                perspective = rng.choice(atoms)
                after = people + [person(2000 + 10 * step + j, perspective, letters())
                                  for j in range(k)]
            elif what == "change":
                index = rng.randrange(len(people))
                changed = dict(people[index].answers)
                statement_id = rng.choice(IDS)
                changed[statement_id] = rng.choice([c for c in "ABCDE"
                                                    if c != changed[statement_id]])
                after = list(people)
                after[index] = Response(people[index].perspective, changed,
                                        person=people[index].person)
                perspective = people[index].perspective
            else:
                index = rng.randrange(len(people))
                perspective, deleted = people[index].perspective, (people[index].person,)
                after = people[:index] + people[index + 1:]
            events.append(Event(perspective, moved_rows(small_questionnaire, people, after),
                                one_person=what != "group"))
            exports.append(releases.export(releases.release(after, deleted), atoms)[1])
            people = after
        assert recovered_from_chain(exports, events, atoms) == [], seed
        shown |= {group.key for group in releases.draft.groups}
    assert shown >= {unit for unit, _ in grouping.units() if unit.startswith("sektor_")
                     and set(dict(grouping.units())[unit]) & set(atoms)}  # sectors were shown
