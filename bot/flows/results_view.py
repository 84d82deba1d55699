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
from bot.domain.questionnaire import Questionnaire
from bot.domain.scoring import FieldResult, score_fields
from bot.flows import run_state
from bot.flows.actions import Report, ReviewFields
from bot.flows.outcome import Button, Message, Outcome, Photo, Reply
from bot.flows.refusals import invalid_button
from bot.output.chart import Bar, ProfileChart
from bot.output.chart import draw as draw_chart
from bot.output.render import Renderer
from bot.output.workers import in_drawing_process
from bot.store.storage import Storage

LOCAL_TIME = ZoneInfo("Europe/Berlin")  # dates as the municipality reads them


def local_date(timestamp: str | datetime) -> date:
    moment = datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    return moment.astimezone(LOCAL_TIME).date()


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


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

    # --- the summary in the chat --------------------------------------------------

    async def summary(self, run: Run, answers: Mapping[str, str], *,
                      discussion: bool = False) -> tuple[Message, ...]:
        """The chart (once a field is assessed), then the summary text with its buttons.

        ``discussion``: a workshop participant outside the administration, whose
        lowest ratings are points to raise in the discussion, not work to do.
        """
        view = await self.run_results(run, answers)
        scale = self.questionnaire.scale
        parts = self.render.html_parts("summary.html.j2", run=run, results=view.results,
                                       scale=scale, changes=self.change_texts(view),
                                       discussion=discussion)
        if not view.shown_results:
            return tuple(Reply(part) for part in parts)
        keyboard = ((Button(self.render.text("results.button.report"), Report(run.id)),),
                    (Button(self.render.text("results.button.review"), ReviewFields(run.id)),))
        texts = [Reply(part) for part in parts[:-1]] + [Reply(parts[-1], keyboard)]
        profile = self.profile_chart(view)
        chart = await in_drawing_process(draw_chart, profile, "png")
        caption = self.render.html("chart_caption.html.j2", run=run,
                                   hatched=any(r.insufficient for r in view.shown_results),
                                   previous=self.previous_date(view))
        description = self.render.text("results.chart_description", chart=profile)
        return (Photo(chart, self.render.text("results.chart_file_name"), caption,
                      description=description), *texts)

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
                          changes=changes)

    def previous_date(self, view: RunResults) -> str | None:
        if view.previous is None or view.previous.finished_at is None:
            return None
        return german_date(local_date(view.previous.finished_at))

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

    def profile_chart(self, view: RunResults, *, titled: bool = True) -> ProfileChart:
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
                bars.append(Bar(label, result.score_percent, previous=previous))
        day = self.previous_date(view)
        return ProfileChart(
            title=self.render.text("results.chart_title") if titled else None, bars=tuple(bars),
            scale_labels=tuple(self.render.text("results.chart_scale", value=v)
                               for v in (0, 25, 50, 75, 100)),
            previous_legend=self.render.text("results.chart_previous", date=day) if day else None)

    async def owned_run(self, user_id: int, run_id: int) -> tuple[Run | None, Outcome | None]:
        """The person's own active or finished run, else the polite refusal for the tap."""
        run = await self.storage.runs.run(run_id)
        if run is None or run.user_id != user_id:
            return None, invalid_button(self.render)
        run = await run_state.settled(self.storage, self.questionnaire, run)
        if run.status == "cancelled":
            return None, Outcome(notice=self.render.text("notice.run_closed"), alert=True,
                                 clear_keyboard=True)
        return run, None

    async def current_run(self, user_id: int) -> Run | None:
        """The run /ergebnis and /bericht address: the open run last worked on, else the last finished."""
        runs = await run_state.open_runs(self.storage, self.questionnaire, user_id)
        return runs[0] if runs else await self.storage.runs.latest_finished_run(user_id)
