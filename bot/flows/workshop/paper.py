"""Paper, for those without a device: printing the sheets and typing them in.

A coordinator prints as many sheets as people will answer on paper, each with
its own code (:mod:`bot.domain.paper`), and types each sheet in as one
anonymous participant of the perspective ticked on it: in a chat, the code
and one letter per statement as one message, for a perspective chosen before;
in the browser also on a form of its own (:mod:`bot.web.paper_entry`). Either
way the sheet goes through :meth:`Paper.enter`, which stores it as a finished
participant (:mod:`bot.store.paper`): it counts, and is withheld, exactly as a
phone's answers are. A sheet's code is taken once per workshop.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain.entities import Awaited, PendingInput, Workshop
from bot.domain.paper import (
    CODE_LENGTH,
    SHEET_COUNTS,
    SHEETS_PER_FILE,
    AnswerProblem,
    new_codes,
    printed,
    read_answers,
    read_code,
)
from bot.domain.questionnaire import Statement
from bot.domain.workshop import PERSPECTIVES
from bot.flows.actions import ManageWorkshop, PrintPaper, TypePaper
from bot.flows.outcome import Button, Document, Keyboard, Outcome, Reply
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.documents import Documents
from bot.output.paper_form import PaperQuestionnaire, paper_filename, print_paper
from bot.output.render import speaking_browser
from bot.output.workers import in_print_process


class Entry(Enum):
    """What became of a sheet typed in."""

    ENTERED = "entered"
    TAKEN = "taken"              # its code was entered before
    CLOSED = "closed"            # the workshop no longer takes answers
    BAD_CODE = "bad_code"        # not a sheet code (a typo the check character caught)
    BAD_PERSPECTIVE = "bad_perspective"
    BAD_ANSWERS = "bad_answers"  # not one letter A–E per statement


@dataclass(frozen=True)
class Entered:
    entry: Entry
    code: str = ""                        # as printed, once it could be read
    problem: AnswerProblem | None = None  # BAD_ANSWERS: what is wrong with the letters
    count: int = 0                        # BAD_ANSWERS: the letters found
    wrong: str = ""                       # BAD_ANSWERS: a character that is not A–E


class Paper:
    def __init__(self, desk: Desk, documents: Documents) -> None:
        self.desk = desk
        self.documents = documents  # their quota: a stack of sheets costs like a report

    def statements(self, workshop: Workshop) -> tuple[Statement, ...]:
        """The sheet's statements in their printed order (numbered from 1)."""
        return tuple(s for field in self.desk.fields(workshop) for s in field.statements)

    async def overview(self, workshop: Workshop) -> Reply:
        """What paper offers: sheets to print, and typing them in."""
        desk, render = self.desk, self.desk.render
        text = render.html("workshop_paper.html.j2", workshop=workshop,
                           statements=len(self.statements(workshop)),
                           entered=await desk.storage.paper.count(workshop.id))
        counts = tuple(Button(render.text("workshop.button.paper_print", count=count),
                              PrintPaper(workshop.id, count)) for count in SHEET_COUNTS)
        rows: list[tuple[Button, ...]] = [counts[:2], counts[2:]]
        if workshop.open and not speaking_browser():  # a page has its own form for it
            rows.append((Button(render.text("workshop.button.paper_type"),
                                TypePaper(workshop.id, None)),))
        rows.append((Button(render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),))
        return Reply(text, tuple(rows))

    async def print_sheets(self, user_id: int, workshop_id: int, count: int) -> Outcome:
        """``count`` sheets, each with a fresh code, as PDFs of at most ``SHEETS_PER_FILE``.

        Each file is a job of its own in the printing process, so other people's reports
        take their turns between them: twenty sheets of every field are minutes of work.
        """
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        if (wait := self.documents.reports.take(user_id)) is not None:
            return Outcome(notice=desk.render.text("workshop.notice.report_busy", seconds=wait),
                           alert=True)
        codes = new_codes(count)
        batches = [codes[start:start + SHEETS_PER_FILE]
                   for start in range(0, count, SHEETS_PER_FILE)]
        files = []
        for number, batch in enumerate(batches, start=1):
            questionnaire = PaperQuestionnaire(
                municipality=workshop.municipality, fields=desk.fields(workshop),
                scale=desk.questionnaire.scale,
                perspectives=tuple((key, desk.labels[key]) for key in PERSPECTIVES),
                codes=batch)
            pdf = await in_print_process(print_paper, desk.render, questionnaire)
            caption = desk.render.html("workshop_paper_caption.html.j2", workshop=workshop,
                                       count=len(batch), number=number, files=len(batches),
                                       statements=len(self.statements(workshop)))
            name = paper_filename(workshop.municipality, desk.render,
                                  number if len(batches) > 1 else None)
            files.append(Document(pdf, name, caption))
        return Outcome(send=tuple(files))

    async def choose(self, user_id: int, workshop_id: int,
                     perspective: str | None) -> Outcome:
        """Typing sheets in: the perspective first, then one message per sheet."""
        desk, render = self.desk, self.desk.render
        workshop = await desk.managed(user_id, workshop_id)
        if not workshop.open:
            return Outcome(notice=render.text("workshop.notice.already_closed"), alert=True)
        if perspective is None:
            rows = tuple((Button(desk.labels[key], TypePaper(workshop.id, key)),)
                         for key in PERSPECTIVES)
            back = ((Button(render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),),)
            return Outcome(edit=Reply(render.html("workshop_paper_perspective.html.j2",
                                                  workshop=workshop), rows + back))
        await desk.storage.people.await_input(user_id, Awaited.PAPER_SHEET,
                                              workshop_id=workshop.id, perspective=perspective)
        return Outcome(send=(Reply(render.html(
            "workshop_paper_prompt.html.j2", workshop=workshop, label=desk.labels[perspective],
            statements=len(self.statements(workshop)), code_length=CODE_LENGTH),
            self._typing_keyboard(workshop)),))

    def _typing_keyboard(self, workshop: Workshop) -> Keyboard:
        render = self.desk.render
        return ((Button(render.text("workshop.button.paper_other"),
                        TypePaper(workshop.id, None)),),
                (Button(render.text("workshop.button.back_to_menu"),
                        ManageWorkshop("menu", workshop.id)),))

    async def typed(self, user_id: int, pending: PendingInput, text: str) -> Outcome | None:
        """A sheet as one message: its code, then a letter per statement (spaces anywhere).

        The wait goes on after a sheet, so the next sheet of the same perspective is
        just the next message; ``None`` if the person no longer coordinates the workshop.
        """
        desk = self.desk
        if pending.workshop_id is None or pending.perspective is None:
            return None
        workshop = await desk.coordinated(user_id, pending.workshop_id)
        if workshop is None:
            await desk.storage.people.stop_awaiting(user_id, Awaited.PAPER_SHEET)
            return None
        letters = "".join(text.split()).replace("-", "")
        entered = await self.enter(workshop, letters[:CODE_LENGTH], pending.perspective,
                                   letters[CODE_LENGTH:])
        if entered.entry is Entry.CLOSED:
            await desk.storage.people.stop_awaiting(user_id, Awaited.PAPER_SHEET)
        reply = desk.render.html("workshop_paper_entered.html.j2", workshop=workshop,
                                 entered=entered, label=desk.labels[pending.perspective],
                                 statements=len(self.statements(workshop)),
                                 sheets=await desk.storage.paper.count(workshop.id))
        return Outcome(send=(Reply(reply, self._typing_keyboard(workshop)),))

    async def from_form(self, user_id: int, workshop_id: int, code: str, perspective: str,
                        answers: str) -> Outcome:
        """A sheet from the browser's form: the notice says what became of it."""
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        entered = await self.enter(workshop, code, perspective, answers)
        label = desk.labels.get(perspective, "")
        notice = desk.render.text(f"workshop.paper.{entered.entry.value}", code=entered.code,
                                  label=label, statements=len(self.statements(workshop)),
                                  count=entered.count, wrong=entered.wrong)
        return Outcome(notice=notice, alert=entered.entry is not Entry.ENTERED)

    async def enter(self, workshop: Workshop, code: str, perspective: str,
                    answers: str) -> Entered:
        """Store one sheet as an anonymous participant of ``perspective``, or say why not."""
        storage = self.desk.storage
        if not workshop.open:
            return Entered(Entry.CLOSED)
        read = read_code(code)
        if read is None:
            return Entered(Entry.BAD_CODE)
        if perspective not in PERSPECTIVES:
            return Entered(Entry.BAD_PERSPECTIVE, printed(read))
        statements = self.statements(workshop)
        letters = read_answers(answers, len(statements))
        if letters.problem is not None:
            return Entered(Entry.BAD_ANSWERS, printed(read), letters.problem, letters.count,
                           letters.wrong)
        if await storage.paper.enter(workshop.id, read, perspective, workshop.field_ids,
                                     {s.id: a for s, a in zip(statements, letters.answers)}):
            return Entered(Entry.ENTERED, printed(read))
        if await storage.paper.entered(workshop.id, read):
            return Entered(Entry.TAKEN, printed(read))
        return Entered(Entry.CLOSED, printed(read))
