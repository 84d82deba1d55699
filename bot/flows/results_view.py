"""A run's results as both the results and the review flows show them: scores, change, chart, summary.

A run's results are always computed from its stored answers, so a changed
answer shows in the next summary, chart and report without anything to update.
Comparisons only ever look at the same person's own earlier run: the
self-check is not a ranking of municipalities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.comparison import FieldChange, compare
from bot.domain.entities import Run
from bot.domain.highlights import first_sentence, most_useful
from bot.domain.questionnaire import Questionnaire, Statement
from bot.domain.scoring import FieldResult, score_fields
from bot.flows import run_state
from bot.flows.actions import FieldDetail, Priorities, Report, ReviewFields, SummaryBack
from bot.flows.outcome import Button, Keyboard, Message, Outcome, Photo, Reply
from bot.flows.refusals import Refused, refused_button
from bot.output.chart import Bar, ProfileChart
from bot.output.chart import draw as draw_chart
from bot.output.languages import shown_day
from bot.output.render import Renderer, pack_blocks
from bot.output.workers import in_drawing_process
from bot.store.storage import Storage

LOCAL_TIME = ZoneInfo("Europe/Berlin")  # dates as the municipality reads them


def local_date(timestamp: str | datetime) -> date:
    moment = datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    return moment.astimezone(LOCAL_TIME).date()


def shown_date(day: date) -> str:
    """A day as the reader writes it, in the language they read ("03.12.2026", "3 Dec 2026")."""
    return shown_day(day)


def is_shown(run: Run, result: FieldResult) -> bool:
    """While a run is active, only its completed fields are assessed."""
    return run.status == "finished" or result.complete


@dataclass(frozen=True)
class RunResults:
    """Everything the summary, the chart and the report show about one run."""

    run: Run
    answers: Mapping[str, str]
    results: tuple[FieldResult, ...]
    previous: Run | None
    changes: Mapping[str, FieldChange]
    priorities: tuple[Statement, ...] = ()  # the next steps chosen for this run
    planned_before: tuple[Statement, ...] = ()  # those chosen for the previous run

    def shown(self, result: FieldResult) -> bool:
        return is_shown(self.run, result)

    @property
    def shown_results(self) -> tuple[FieldResult, ...]:
        return tuple(r for r in self.results if self.shown(r))


class ResultsView:
    """Scored runs and how they are shown; shared by the self-check, results and review flows."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer) -> None:
        self.storage = storage
        self.questionnaire = questionnaire
        self.render = renderer

    # --- the short result in the chat -------------------------------------------------

    async def summary(self, run: Run, answers: Mapping[str, str], *,
                      discussion: bool = False) -> tuple[Message, ...]:
        """The chart (once a field is assessed), then one short block per field with its buttons.

        The blocks fill at most two messages for any mix of answers; the full
        assessment and every suggestion are one tap away (:meth:`detail`) and
        in the PDF report. ``discussion``: a workshop participant outside the
        administration, whose lowest ratings are points to raise in the
        discussion, not work to do.
        """
        view = await self.run_results(run, answers)
        parts = self.summary_texts(view, discussion=discussion)
        if not view.shown_results:
            return tuple(Reply(part) for part in parts)
        keyboard = self.summary_keyboard(view, discussion=discussion)
        texts = [Reply(part) for part in parts[:-1]] + [Reply(parts[-1], keyboard)]
        name = await self.storage.people.municipality_name(run.user_id)
        profile = self.profile_chart(view, municipality=name.name if name else None)
        chart = await in_drawing_process(draw_chart, profile, "png")
        caption = self.render.html("chart_caption.html.j2", run=run,
                                   hatched=any(r.insufficient for r in view.shown_results),
                                   previous=self.previous_date(view))
        description = self.render.text("results.chart_description", chart=profile)
        return (Photo(chart, self.render.text("results.chart_file_name"), caption,
                      description=description), *texts)

    def summary_texts(self, view: RunResults, *, discussion: bool = False) -> list[str]:
        """The short result's messages: blocks packed so that no field is split across two."""
        scale = self.questionnaire.scale
        changes = self.change_texts(view)
        blocks = [self.render.html("summary.html.j2", run=view.run,
                                   steps=self.step_items(view.priorities),
                                   planned=self.step_items(view.planned_before)
                                   if not view.priorities else [],
                                   previous=self.previous_date(view), discussion=discussion)]
        for result in view.results:
            highlights = most_useful(result, view.answers, scale)
            blocks.append(self.render.html(
                "summary_field.html.j2", result=result, scale=scale, shown=view.shown(result),
                change=changes.get(result.field.id), sentence=first_sentence(result.assessment),
                highlights=[(s, first_sentence(s.suggestion)) for s in highlights],
                button=self.render.text("results.button.field_detail", field=result.field),
                discussion=discussion))
        if view.shown_results:
            blocks.append(self.render.html("summary_footer.html.j2"))
        return pack_blocks(blocks)

    def retired_answers(self, view: RunResults, field_id: str) -> list[tuple[str, str]]:
        """Answers this run gave to a field's statements that a questionnaire update retired.

        They stay readable with the statement's kept text (answer key and label),
        but no longer count towards the field's assessment.
        """
        scale = self.questionnaire.scale
        return [(retired.text, f"{view.answers[retired.id]} – "
                               f"{scale.choice(view.answers[retired.id]).label}")
                for retired in self.questionnaire.retired.values()
                if retired.field_id == field_id and retired.id in view.answers]

    def step_items(self, statements: tuple[Statement, ...]) -> list[tuple[str, Statement, str]]:
        """Each chosen step as its number ("1.3"), statement and the suggestion's first sentence."""
        return [(self.questionnaire.field_of(statement.id).number_of(statement), statement,
                 first_sentence(statement.suggestion)) for statement in statements]

    def summary_keyboard(self, view: RunResults, *, discussion: bool = False) -> Keyboard:
        """A button per assessed field for its full text, then the report and the review."""
        run = view.run
        fields = [Button(self.render.text("results.button.field_detail", field=r.field),
                         FieldDetail(run.id, r.field.id)) for r in view.shown_results]
        rows: list[tuple[Button, ...]] = [tuple(fields[i:i + 2]) for i in range(0, len(fields), 2)]
        if not discussion and any(r.suggestions for r in view.shown_results):
            rows.append((Button(self.render.text("results.button.next_steps"),
                                Priorities(run.id)),))
        rows.append((Button(self.render.text("results.button.report"), Report(run.id)),
                     Button(self.render.text("results.button.review"), ReviewFields(run.id))))
        return tuple(rows)

    async def detail(self, user_id: int, run_id: int, field_id: str, page: int) -> Outcome:
        """A field's full assessment and all its suggestions, in place of the short result."""
        run, answers = await self.owned_run(user_id, run_id)
        view = await self.run_results(run, answers)
        result = next((r for r in view.results if r.field.id == field_id), None)
        if result is None:
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        if not view.shown(result):
            return Outcome(notice=self.render.text("results.notice.field_open"), alert=True)
        pages = self.render.html_parts(
            "field_detail.html.j2", result=result, scale=self.questionnaire.scale,
            change=self.change_texts(view).get(field_id))
        page = min(page, len(pages) - 1)
        text = pages[page]
        if page > 0:
            text = self.render.html("field_detail_continued.html.j2", field=result.field,
                                    page=page + 1, pages=len(pages)) + "\n\n" + text
        paging = []
        if page > 0:
            paging.append(Button(self.render.text("results.button.page_back"),
                                 FieldDetail(run.id, field_id, page - 1)))
        if page < len(pages) - 1:
            paging.append(Button(self.render.text("results.button.page_next"),
                                 FieldDetail(run.id, field_id, page + 1)))
        rows = ((tuple(paging),) if paging else ()) + (
            (Button(self.render.text("results.button.back_to_summary"), SummaryBack(run.id)),),)
        return Outcome(edit=Reply(text, rows))

    async def back_to_summary(self, user_id: int, run_id: int) -> Outcome:
        """The short result's last message again, with its buttons, where the full text was."""
        run, answers = await self.owned_run(user_id, run_id)
        view = await self.run_results(run, answers)
        if not view.shown_results:
            return Outcome(notice=self.render.text("results.notice.nothing_to_review"), alert=True)
        return Outcome(edit=Reply(self.summary_texts(view)[-1], self.summary_keyboard(view)))

    async def run_results(self, run: Run, answers: Mapping[str, str]) -> RunResults:
        """A run's scored fields and their change against the person's previous run."""
        fields = self.questionnaire.select(run.field_ids)
        scale = self.questionnaire.scale
        results = score_fields(fields, answers, scale)
        previous = await self.storage.runs.previous_finished_run(run)
        changes: dict[str, FieldChange] = {}
        if previous is not None:
            before = score_fields(self.questionnaire.select(previous.field_ids),
                                  await self.storage.runs.answers(previous.id), scale)
            changes = compare(tuple(r for r in results if is_shown(run, r)), before)
        return RunResults(run=run, answers=answers, results=results, previous=previous,
                          changes=changes, priorities=await self.chosen_steps(run),
                          planned_before=await self.chosen_steps(previous) if previous else ())

    async def chosen_steps(self, run: Run) -> tuple[Statement, ...]:
        """The run's chosen next steps that the questionnaire still has."""
        found = (self.questionnaire.statement(s) for s in await self.storage.runs.priorities(run.id))
        return tuple(s for s in found if s is not None)

    def previous_date(self, view: RunResults) -> str | None:
        if view.previous is None or view.previous.finished_at is None:
            return None
        return shown_date(local_date(view.previous.finished_at))

    def change_texts(self, view: RunResults) -> dict[str, str]:
        """One line per compared field, e.g. "▲ +8 Prozentpunkte seit dem Durchgang vom …"."""
        day = self.previous_date(view)
        texts = {}
        for field_id, change in view.changes.items():
            if change.delta is not None:
                key = ("results.change_up" if change.delta > 0 else
                       "results.change_down" if change.delta < 0 else "results.change_same")
                texts[field_id] = self.render.text(key, delta=abs(change.delta), date=day,
                                                   previous=change.previous)
            elif change.previous is not None:
                texts[field_id] = self.render.text("results.change_previous_only", date=day,
                                                   previous=change.previous)
            else:
                texts[field_id] = self.render.text("results.change_previous_unassessed", date=day)
        return texts

    def profile_chart(self, view: RunResults, *, titled: bool = True,
                      municipality: str | None = None) -> ProfileChart:
        """What the chart shows: every field of the run, scored, open or not assessable."""
        bars = []
        for result in view.results:
            label = self.render.text("results.chart_label", field=result.field)
            change = view.changes.get(result.field.id)
            previous = change.previous if change else None
            if not view.shown(result):
                bars.append(Bar(label, None, note=self.render.text("results.chart_open"),
                                previous=previous))
            elif result.insufficient:
                bars.append(Bar(label, None, note=self.questionnaire.scale.insufficient_label,
                                insufficient=True, previous=previous))
            else:
                bars.append(Bar(label, result.score_percent, previous=previous,
                                level=result.level.label if result.level else None))
        day = self.previous_date(view)
        return ProfileChart(
            title=self.render.text("results.chart_title") if titled else None, bars=tuple(bars),
            scale_labels=tuple(self.render.text("results.chart_scale", value=v)
                               for v in (0, 25, 50, 75, 100)),
            previous_legend=self.render.text("results.chart_previous", date=day) if day else None,
            context=self.render.text("results.chart_context", municipality=municipality,
                                     date=shown_date(local_date(view.run.finished_at
                                                                 or self.storage.clock.now())))
            if titled else None)  # the report's pages say all that already

    async def owned_run(self, user_id: int,
                        run_id: int) -> tuple[Run, dict[str, str]]:
        """The person's own active or finished run with its answers; refused otherwise.

        Settling the run reads its answers already; every tap on a run needs
        them, so they come along instead of being read a second time.
        """
        run = await self.storage.runs.run(run_id)
        if run is None or run.user_id != user_id:
            raise refused_button(self.render)
        run, answers = await run_state.settled_with_answers(self.storage, self.questionnaire, run)
        if run.status == "cancelled":
            raise Refused(Outcome(notice=self.render.text("notice.run_closed"), alert=True,
                                  clear_keyboard=True))
        return run, answers

    async def current_run(self, user_id: int) -> Run | None:
        """The run /ergebnis and /bericht address: the open run last worked on, else the last finished."""
        runs = await run_state.open_runs(self.storage, self.questionnaire, user_id)
        return runs[0] if runs else await self.storage.runs.latest_finished_run(user_id)
