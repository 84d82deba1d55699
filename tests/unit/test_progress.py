"""Where a person stands: the indexed route gives the same answers as reading the questionnaire."""

from __future__ import annotations

from pathlib import Path

from bot.domain.progress import current_statement, field_completed_by, ordered_statements, position_of
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from tests.conftest import SMALL_FIELDS, write_questionnaire


def test_position_within_a_selection_of_fields(small_questionnaire: Questionnaire) -> None:
    fields = small_questionnaire.select(["zwei", "drei"])
    assert [s.id for s in ordered_statements(fields)] == ["zwei-01", "zwei-02", "drei-01",
                                                           "drei-02"]
    answers = {"zwei-01": "A", "eins-01": "B"}  # an answer outside the selection does not count
    position = position_of(fields, "drei-01", answers)
    assert (position.field.id, position.field_index, position.field_count) == ("drei", 1, 2)
    assert (position.index_in_field, position.index_overall, position.total) == (0, 2, 4)
    assert position.answered == 1
    assert position.previous is not None and position.previous.id == "zwei-02"
    assert position_of(fields, "zwei-01", answers).previous is None


def test_current_statement_follows_the_cursor_else_the_first_gap(
        small_questionnaire: Questionnaire) -> None:
    fields = small_questionnaire.fields
    answers = {"eins-01": "A", "eins-03": "C"}
    assert current_statement(fields, answers, None).id == "eins-02"  # type: ignore[union-attr]
    assert current_statement(fields, answers, "eins-01").id == "eins-01"  # type: ignore[union-attr]
    # a cursor outside the selection (or from an older questionnaire) is ignored
    assert current_statement(fields, answers, "gone-01").id == "eins-02"  # type: ignore[union-attr]
    everything = {s.id: "A" for s in small_questionnaire.statements}
    assert current_statement(fields, everything, None) is None


def test_field_completed_only_by_its_last_open_statement(
        small_questionnaire: Questionnaire) -> None:
    fields = small_questionnaire.fields
    assert field_completed_by(fields, "eins-02", {"eins-01": "A", "eins-02": "B"}) is None
    done = field_completed_by(fields, "eins-02", {"eins-01": "A", "eins-02": "B", "eins-03": "E"})
    assert done is not None and done.id == "eins"
    assert field_completed_by(fields, "unknown", {"eins-01": "A"}) is None


def test_questionnaires_with_the_same_ids_never_share_a_route(tmp_path: Path) -> None:
    # The route is built once per selection of fields; an edited questionnaire (same
    # ids, other statements) loaded beside the old one must get its own.
    old = load_questionnaire(write_questionnaire(tmp_path / "old"))
    edited_fields = dict(SMALL_FIELDS)
    edited_fields["02_zwei.toml"] = SMALL_FIELDS["02_zwei.toml"].replace(
        'id = "zwei-02"', 'id = "zwei-03"')
    edited = load_questionnaire(write_questionnaire(tmp_path / "new", edited_fields))
    assert "zwei-02" in [s.id for s in ordered_statements(old.fields)]
    assert "zwei-03" in [s.id for s in ordered_statements(edited.fields)]
    assert position_of(edited.fields, "zwei-03", {}).index_overall == 4
