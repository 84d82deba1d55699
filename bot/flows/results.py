"""Results worth looking at and passing on.

The summary with its chart, reviewing and changing given answers, the change
against the same person's previous run, and the printable report with the
municipality's name on its title page. Like :mod:`bot.flows.selfcheck`, every public
method returns an :class:`~bot.flows.outcome.Outcome` and knows nothing of Telegram.

A run's results are always computed from its stored answers, so a changed
answer shows in the next summary, chart and report without anything to update.
Comparisons only ever look at the same person's own earlier run: the
self-check is not a ranking of municipalities.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.comparison import FieldChange, compare
from bot.domain.questionnaire import Questionnaire
from bot.domain.scoring import FieldResult, score_fields
from bot.flows import callback_data as cb
from bot.flows import run_state
from bot.flows.outcome import Button, Document, Message, Outcome, Photo, Reply
from bot.flows.review import Review
from bot.output.chart import PRINT_DPI, Bar, ProfileChart
from bot.output.chart import render as render_chart
from bot.output.render import Renderer
from bot.output.render_process import in_print_process, in_render_process
from bot.output.report_pdf import ReportContent, render_report
from bot.store.storage import Run, Storage

LOCAL_TIME = ZoneInfo("Europe/Berlin")  # dates as the municipality reads them
NAME_MAX_LENGTH = 80
# A name prompt left unanswered for longer is forgotten, so a message days later
# is not mistaken for the municipality's name.
NAME_PROMPT_VALID = timedelta(hours=24)


def local_date(timestamp: str | datetime) -> date:
    moment = datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    return moment.astimezone(LOCAL_TIME).date()


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def is_shown(run: Run, result: FieldResult) -> bool:
    """While a run is active, only its completed fields are assessed."""
    return run.status == "finished" or result.complete


def normalise_name(text: str) -> str | None:
    """The municipality's name from a message, or ``None`` if it cannot be one."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= NAME_MAX_LENGTH or not any(c.isalpha() for c in name):
        return None
    return name


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


class ResultsCore:
    """Summary with chart and comparison, the PDF report; review and change in :attr:`review`."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer) -> None:
        self.storage = storage
        self.questionnaire = questionnaire
        self.render = renderer
        self.review = Review(self)

    # --- buttons ---------------------------------------------------------------

    async def press(self, user_id: int, data: str | None) -> Outcome:
        match cb.decode(data):
            case cb.Callback(action="review_fields", run_id=int(run)):
                return await self.review.fields(user_id, run)
            case cb.Callback(action="review_fields_here", run_id=int(run)):
                return await self.review.fields(user_id, run, in_place=True)
            case cb.Callback(action="review_field", run_id=int(run), field_id=str(field)):
                return await self.review.field(user_id, run, field)
            case cb.Callback(action="review_page", run_id=int(run), field_id=str(field),
                             page=int(page)):
                return await self.review.field(user_id, run, field, page)
            case cb.Callback(action="change_open", run_id=int(run), statement_id=str(sid)):
                return await self.review.change_open(user_id, run, sid)
            case cb.Callback(action="change", run_id=int(run), statement_id=str(sid),
                             choice=str(choice)):
                return await self.review.change(user_id, run, sid, choice)
            case cb.Callback(action="report", run_id=int(run)):
                return await self.report(user_id, run)
            case cb.Callback(action="name_ask", run_id=int(run)):
                return await self.ask_name(user_id, run)
            case cb.Callback(action="name_skip"):
                return await self.skip_name(user_id)
            case cb.Callback(action="name_remove"):
                return await self.remove_name(user_id)
        return self.invalid()

    # --- the summary in the chat --------------------------------------------------

    async def summary(self, run: Run, answers: Mapping[str, str], *,
                      discussion: bool = False) -> tuple[Message, ...]:
        """The chart (once a field is assessed), then the summary text with its buttons."""
        view = await self.run_results(run, answers)
        scale = self.questionnaire.scale
        parts = self.render.html_parts("summary.html.j2", run=run, results=view.results,
                                       scale=scale, changes=self.change_texts(view),
                                       discussion=discussion)
        if not view.shown_results:
            return tuple(Reply(part) for part in parts)
        keyboard = ((Button(self.render.text("results.button.report"), cb.report(run.id)),),
                    (Button(self.render.text("results.button.review"), cb.review_fields(run.id)),))
        texts = [Reply(part) for part in parts[:-1]] + [Reply(parts[-1], keyboard)]
        chart = await in_render_process(render_chart, self.profile_chart(view), "png")
        caption = self.render.html("chart_caption.html.j2", run=run,
                                   hatched=any(r.insufficient for r in view.shown_results),
                                   previous=self._previous_date(view))
        return (Photo(chart, self.render.text("results.chart_file_name"), caption), *texts)

    async def run_results(self, run: Run, answers: Mapping[str, str]) -> RunResults:
        """A run's scored fields and their change against the person's previous run."""
        fields = self.questionnaire.select(run.field_ids)
        scale = self.questionnaire.scale
        results = score_fields(fields, answers, scale)
        previous = await self.storage.previous_finished_run(run)
        changes: dict[str, FieldChange] = {}
        if previous is not None:
            before = score_fields(self.questionnaire.select(previous.field_ids),
                                  await self.storage.answers(previous.id), scale)
            changes = compare(tuple(r for r in results if is_shown(run, r)), before)
        return RunResults(run=run, answers=answers, results=results, previous=previous,
                          changes=changes)

    def _previous_date(self, view: RunResults) -> str | None:
        if view.previous is None or view.previous.finished_at is None:
            return None
        return german_date(local_date(view.previous.finished_at))

    def change_texts(self, view: RunResults) -> dict[str, str]:
        """One line per compared field, e.g. "▲ +8 Prozentpunkte seit dem Durchgang vom …"."""
        day = self._previous_date(view)
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
        day = self._previous_date(view)
        return ProfileChart(
            title=self.render.text("results.chart_title") if titled else None, bars=tuple(bars),
            scale_labels=tuple(self.render.text("results.chart_scale", value=v)
                               for v in (0, 25, 50, 75, 100)),
            previous_legend=self.render.text("results.chart_previous", date=day) if day else None)

    async def open_run(self, user_id: int, run_id: int) -> tuple[Run | None, Outcome | None]:
        """The person's own active or finished run, else the polite refusal for the tap."""
        run = await self.storage.run(run_id)
        if run is None or run.user_id != user_id:
            return None, self.invalid()
        run = await run_state.settled(self.storage, self.questionnaire, run)
        if run.status == "cancelled":
            return None, Outcome(notice=self.render.text("notice.run_closed"), alert=True,
                                 clear_keyboard=True)
        return run, None

    # --- the printable report -------------------------------------------------------

    async def report(self, user_id: int, run_id: int | None = None) -> Outcome:
        """/bericht: the PDF; the first time, ask for the municipality's name first."""
        if run_id is not None:
            run, refusal = await self.open_run(user_id, run_id)
            if refusal:
                return refusal
        else:
            run = await self.current_run(user_id)
        if run is None:
            return Outcome(send=(Reply(self.render.html("no_results.html.j2"),
                                       ((Button(self.render.text("button.begin"), cb.BEGIN),),)),))
        view = await self.run_results(run, await self.storage.answers(run.id))
        if not view.shown_results:
            return Outcome(send=(Reply(self.render.html("report_empty.html.j2")),))
        workshop = await self.storage.workshop(run.workshop_id) if run.workshop_id else None
        if workshop is not None:  # a workshop run: the workshop names the municipality
            return Outcome(send=(await self._report_document(view, workshop.municipality,
                                                             renamable=False),))
        name = await self.storage.municipality_name(user_id)
        if name is None or not name.decided:
            await self.storage.await_municipality_name(user_id, run.id)
            return Outcome(send=(self._name_prompt(None),))
        return Outcome(send=(await self._report_document(view, name.name),))

    async def current_run(self, user_id: int) -> Run | None:
        """The run /ergebnis and /bericht address: the open run last worked on, else the last finished."""
        runs = await run_state.open_runs(self.storage, self.questionnaire, user_id)
        return runs[0] if runs else await self.storage.latest_finished_run(user_id)

    async def _report_document(self, view: RunResults, municipality: str | None, *,
                               renamable: bool = True) -> Document:
        today = datetime.now(LOCAL_TIME).date()
        run = view.run
        chart = await in_render_process(render_chart, self.profile_chart(view, titled=False),
                                        "png", PRINT_DPI)
        content = ReportContent(
            municipality=municipality, run=run, results=view.results,
            shown={r.field.id for r in view.shown_results}, scale=self.questionnaire.scale,
            changes=self.change_texts(view), comparisons=view.changes, answers=view.answers,
            chart_png=chart,
            created=german_date(today),
            finished=german_date(local_date(run.finished_at)) if run.finished_at else None,
            previous=self._previous_date(view))
        pdf = await in_print_process(render_report, self.render, content)
        slug = re.sub(r"[^\w]+", "-", municipality or "").strip("-")
        file_name = self.render.text("results.file_name", name=slug, date=today.isoformat())
        caption = self.render.html("report_caption.html.j2", municipality=municipality, run=run)
        if not renamable:
            return Document(pdf, file_name, caption)
        label = "results.button.name_change" if municipality else "results.button.name_add"
        return Document(pdf, file_name, caption,
                        ((Button(self.render.text(label), cb.name_ask(run.id)),),))

    # --- the municipality's name ----------------------------------------------------------

    async def ask_name(self, user_id: int, run_id: int) -> Outcome:
        """"Namen der Kommune angeben/ändern": the next message is the name."""
        run, refusal = await self.open_run(user_id, run_id)
        if refusal:
            return refusal
        assert run is not None
        state = await self.storage.municipality_name(user_id)
        await self.storage.await_municipality_name(user_id, run.id)
        return Outcome(send=(self._name_prompt(state.name if state else None),))

    def _name_prompt(self, current: str | None) -> Reply:
        if current:
            keyboard = ((Button(self.render.text("results.button.name_keep"), cb.NAME_SKIP),),
                        (Button(self.render.text("results.button.name_remove"), cb.NAME_REMOVE),))
        else:
            keyboard = ((Button(self.render.text("results.button.name_skip"), cb.NAME_SKIP),),)
        return Reply(self.render.html("name_prompt.html.j2", current=current,
                                      max_length=NAME_MAX_LENGTH), keyboard)

    async def name_message(self, user_id: int, text: str | None) -> Outcome | None:
        """A message while the bot waits for the name; ``None`` when it is not waiting."""
        state = await self.storage.municipality_name(user_id)
        if state is None or state.awaiting_since is None:
            return None
        if datetime.now(LOCAL_TIME) - datetime.fromisoformat(state.awaiting_since) > NAME_PROMPT_VALID:
            return None
        name = normalise_name(text or "")
        if name is None:
            return Outcome(send=(Reply(self.render.html("name_invalid.html.j2",
                                                        max_length=NAME_MAX_LENGTH),
                                       ((Button(self.render.text("results.button.name_skip"),
                                                cb.NAME_SKIP),),)),))
        await self.storage.set_municipality_name(user_id, name)
        return await self._after_name(user_id, state.report_run_id, name)

    async def skip_name(self, user_id: int) -> Outcome:
        """"Überspringen" (first time: the report without a name) or "Namen behalten"."""
        state = await self.storage.municipality_name(user_id)
        if state is None or state.awaiting_since is None:
            return Outcome(notice=self.render.text("results.notice.name_prompt_closed"),
                           clear_keyboard=True)
        if state.decided:
            await self.storage.stop_awaiting_municipality_name(user_id)
            return Outcome(clear_keyboard=True, send=(Reply(self.render.html(
                "name_saved.html.j2", name=state.name, unchanged=True)),))
        await self.storage.set_municipality_name(user_id, None)
        outcome = await self._after_name(user_id, state.report_run_id, None)
        return Outcome(clear_keyboard=True, send=outcome.send)

    async def remove_name(self, user_id: int) -> Outcome:
        state = await self.storage.municipality_name(user_id)
        if state is None or state.awaiting_since is None:
            return Outcome(notice=self.render.text("results.notice.name_prompt_closed"),
                           clear_keyboard=True)
        await self.storage.set_municipality_name(user_id, None)
        outcome = await self._after_name(user_id, state.report_run_id, None)
        return Outcome(clear_keyboard=True, send=outcome.send)

    async def _after_name(self, user_id: int, report_run_id: int | None,
                          name: str | None) -> Outcome:
        """Confirm the name, then send the report that was waiting for it."""
        confirmation = Reply(self.render.html("name_saved.html.j2", name=name, unchanged=False))
        run = await self.storage.run(report_run_id) if report_run_id is not None else None
        if run is None or run.user_id != user_id or run.status == "cancelled":
            return Outcome(send=(confirmation,))
        view = await self.run_results(run, await self.storage.answers(run.id))
        if not view.shown_results:
            return Outcome(send=(confirmation,))
        return Outcome(send=(confirmation, await self._report_document(view, name)))

    # --- helpers ---------------------------------------------------------------------

    def invalid(self) -> Outcome:
        return Outcome(notice=self.render.text("notice.invalid_button"), alert=True)
