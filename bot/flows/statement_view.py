"""One statement as the person answers it: its message and buttons, where it stands in the
run, and what a tap on any other statement shows instead."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.entities import Run
from bot.domain.progress import Position, current_statement, ordered_statements, position_of
from bot.domain.questionnaire import Choice, Field, Questionnaire, Statement
from bot.flows.actions import Answer, AnswerAgain, Back, Info, Pause, Show
from bot.flows.outcome import Button, Outcome, Reply
from bot.flows.place import StatementPage
from bot.flows.refusals import Refused
from bot.output.render import Renderer

SECONDS_PER_STATEMENT = 20  # reading and weighing one statement, as the welcome estimates


def minutes_for(statements: int) -> int:
    """About how long so many statements take, in whole minutes (at least one)."""
    return max(1, round(statements * SECONDS_PER_STATEMENT / 60))


def minutes_left(position: Position) -> int:
    """About how long the statements still open take."""
    return minutes_for(position.total - position.answered)


class StatementView:
    def __init__(self, questionnaire: Questionnaire, renderer: Renderer) -> None:
        self.questionnaire = questionnaire
        self.render = renderer
        # The scale's button labels never change: rendered once per language.
        self._choice_labels: dict[tuple[str, str, bool], str] = {}

    def _choice_label(self, choice: Choice, chosen: bool) -> str:
        key = (self.render.language.tag, choice.key, chosen)
        label = self._choice_labels.get(key)
        if label is None:
            label = self._choice_labels[key] = self.render.text("button.choice", choice=choice,
                                                                chosen=chosen)
        return label

    def fields(self, run: Run) -> tuple[Field, ...]:
        return self.questionnaire.select(run.field_ids)

    def position(self, run: Run, answers: Mapping[str, str], cursor: str | None) -> Position:
        fields = self.fields(run)
        statement = current_statement(fields, answers, cursor)
        assert statement is not None, "an active run always has an open statement"
        return position_of(fields, statement.id, answers)

    def open_statement(self, run: Run, answers: Mapping[str, str]) -> Reply:
        """The statement the run stands at, ready to answer."""
        return self.reply(run, self.position(run, answers, run.cursor), answers)

    def reply(self, run: Run, position: Position, answers: Mapping[str, str], *,
              trace: str | None = None, show_info: bool = False) -> Reply:
        statement = position.statement
        current = answers.get(statement.id)
        choices = self.questionnaire.scale.choices
        rows: list[tuple[Button, ...]] = [
            (Button(self._choice_label(c, c.key == current),
                    Answer(run.id, statement.id, c.key)),)
            for c in choices]
        extra = []
        if (statement.info or statement.answering or position.index_in_field == 0) and not show_info:
            extra.append(Button(self.render.text("button.info"), Info(run.id, statement.id)))
        if position.previous is not None:
            extra.append(Button(self.render.text("button.back"), Back(run.id, statement.id)))
        extra.append(Button(self.render.text("button.pause"), Pause(run.id)))
        rows.append(tuple(extra))
        # A field's first statement carries the field's introduction: a chat shows it
        # behind ℹ️, a page folded above the statement.
        text = self.render.html("statement.html.j2", position=position, trace=trace,
                                show_info=show_info,
                                intro=self.field_intro(position)
                                if position.index_in_field == 0 else None,
                                current=self.questionnaire.scale.choice(current) if current else None)
        return Reply(text, tuple(rows), live=True, progress=position)

    def shown_again(self, run: Run, answers: Mapping[str, str], statement_id: str) -> Reply | None:
        """A statement opened by its address: answered before (its answer marked, changeable)
        or the open one, with links to the one before and the one after.

        ``None`` for a statement the run does not reach yet (or does not have): the
        person answers in order.
        """
        fields = self.fields(run)
        route = ordered_statements(fields)
        index = next((i for i, s in enumerate(route) if s.id == statement_id), None)
        first_open = current_statement(fields, answers, None)
        if index is None or (statement_id not in answers
                             and (first_open is None or first_open.id != statement_id)):
            return None
        open_now = self.position(run, answers, run.cursor)
        if open_now.statement.id == statement_id and statement_id not in answers:
            return self.reply(run, open_now, answers)  # the one to answer, as the conversation shows it
        position = position_of(fields, statement_id, answers)
        statement = position.statement
        current = answers.get(statement.id)
        rows: list[tuple[Button, ...]] = [
            (Button(self._choice_label(c, c.key == current),
                    AnswerAgain(run.id, statement.id, c.key)),)
            for c in self.questionnaire.scale.choices]
        extra = []
        if position.previous is not None:
            extra.append(Button(self.render.text("button.back"),
                                Show(StatementPage(run.id, position.previous.id))))
        if current is not None and index + 1 < len(route):
            extra.append(Button(self.render.text("button.forward"),
                                Show(StatementPage(run.id, route[index + 1].id))))
        extra.append(Button(self.render.text("button.pause"), Pause(run.id)))
        rows.append(tuple(extra))
        text = self.render.html("statement.html.j2", position=position, trace=None,
                                show_info=False, intro=None,
                                current=self.questionnaire.scale.choice(current) if current else None)
        return Reply(text, tuple(rows), live=True)

    def field_intro(self, position: Position) -> str:
        """A field's introduction: in the note that ends the previous field, else behind ℹ️."""
        return self.render.html("field_intro.html.j2", position=position,
                                minutes=minutes_for(len(position.field.statements)))

    def trace(self, fields: tuple[Field, ...], statement: Statement, choice: str,
               answers: Mapping[str, str]) -> str:
        position = position_of(fields, statement.id, answers)
        return self.render.kept_text("trace", (statement.id, choice), position=position,
                                     choice=self.questionnaire.scale.choice(choice))

    def expect_open(self, run: Run, answers: Mapping[str, str], statement_id: str,
                    choice: str | None = None) -> None:
        """A tap on anything but the open statement is refused with the open one instead.

        The same answer again (a double tap, or Telegram delivering the tap a
        second time) only confirms it: the message already moved on.
        """
        position = self.position(run, answers, run.cursor)
        if position.statement.id == statement_id:
            return
        if choice is not None and answers.get(statement_id) == choice:
            raise Refused(Outcome(notice=self.render.text(
                "reliability.already_saved", choice=self.questionnaire.scale.choice(choice))))
        known = any(s.id == statement_id for s in ordered_statements(self.fields(run)))
        notice = self.render.text("notice.already_answered" if known else "notice.statement_gone")
        raise Refused(Outcome(notice=notice, edit=self.reply(run, position, answers)))
