"""The projector view of a workshop: a sequence of slides for the wall of the room.

The room reads a wall from several metres away and one thing at a time, so
the view is a row of slides the coordinator steps through: how to join (QR
code, address, counts per perspective), the released comparison, the topics
for dialogue one by one, the fields and statements every group rated low
(„Gemeinsame Baustellen“) and the agreed next steps. The slide shown is
stored with the workshop, so the coordinator's phone can move the wall on and
the wall follows.

Only the workshop's coordinators see it; everyone else gets the page an
unknown workshop gets, so ids reveal nothing. The result slides show the
latest stored release, like every other view of the result
(:mod:`bot.domain.workshop_release`), so they follow the same disclosure
rules: nothing the wall shows is more than the released, anonymous aggregate.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.domain.entities import Release, Workshop
from bot.domain.next_steps import Step
from bot.domain.questionnaire import Questionnaire
from bot.domain.spoken import spoken
from bot.domain.workshop import (
    GROUP_KEYS,
    Progress,
    StatementComparison,
    WorkshopResult,
    progress,
)
from bot.domain.workshop_reference import REFERENCE, reference_of
from bot.domain.workshop_release import INTERIM, from_snapshot
from bot.flows.invitations import InvitationLink, WorkshopInvitation
from bot.output.comparison_chart import PROJECTOR_DPI, comparison_chart, draw_comparison
from bot.output.render import Renderer
from bot.output.workers import in_drawing_process
from bot.store.storage import Storage

# The join slide's counts follow the room quietly: the wall asks this often for news.
REFRESH_SECONDS = 5
KEPT_CHARTS = 16  # drawn charts kept, one per release (with or without the reference)
WALL_TEXT_SCALE = 1.25  # the chart's texts a quarter larger on the wall than in the PDF

JOIN = "beitreten"
COMPARISON = "vergleich"
TOPIC = "thema"        # "thema/2": the second topic
NO_TOPICS = "themen"   # the one slide saying why there is no topic
SHARED = "baustellen"
STEPS = "schritte"     # "schritte/2": the agreed steps after the first STEPS_PER_SLIDE
STEPS_PER_SLIDE = 3    # three steps at their longest still fit a 1280 × 720 wall


@dataclass(frozen=True)
class Slide:
    key: str          # its address below the projector's, also what is stored: "thema/2"
    kind: str         # one of JOIN … STEPS
    number: int = 0   # a topic's place, or the page of the agreed steps, from 1


@dataclass(frozen=True)
class Projection:
    """Everything the wall may show of a workshop now."""

    workshop: Workshop
    link: str
    progress: Progress
    result: WorkshopResult | None   # the latest release, if any
    interim: bool                   # that release is a Zwischenstand
    steps: tuple[Step, ...]
    slides: tuple[Slide, ...]
    current: str                    # the slide stepped to last (the first one before)

    def slide(self, key: str) -> Slide | None:
        return next((slide for slide in self.slides if slide.key == key), None)

    def position(self, slide: Slide) -> int:
        return self.slides.index(slide) + 1

    def beside(self, key: str, step: int) -> Slide:
        """The slide ``step`` places from ``key`` (the first one if ``key`` is gone), kept
        within the sequence."""
        slide = self.slide(key)
        index = self.slides.index(slide) + step if slide is not None else 0
        return self.slides[max(0, min(index, len(self.slides) - 1))]

    def steps_on(self, slide: Slide) -> tuple[Step, ...]:
        start = (max(slide.number, 1) - 1) * STEPS_PER_SLIDE
        return self.steps[start:start + STEPS_PER_SLIDE]

    @property
    def step_pages(self) -> int:
        return sum(1 for slide in self.slides if slide.kind == STEPS)

    @property
    def topics(self) -> tuple[StatementComparison, ...]:
        return self.result.dialogue if self.result is not None else ()

    @property
    def why_not_compared(self) -> str | None:
        """Why the comparison slide compares nothing, as a key its template explains."""
        result = self.result
        if result is None:
            return "nothing_released"
        if not result.available:
            return "too_few"
        if len(result.groups) == 1:
            return "one_perspective" if len(result.groups[0].perspectives) == 1 else "one_group"
        if not result.comparable:
            return "too_small_groups"
        return None


def slides_of(result: WorkshopResult | None, steps: int = 0) -> tuple[Slide, ...]:
    """The sequence for what is released and the ``steps`` agreed: every slide says
    something, or says why not."""
    slides = [Slide(JOIN, JOIN), Slide(COMPARISON, COMPARISON)]
    if result is not None and result.available:
        if result.comparable and result.dialogue:
            slides += [Slide(f"{TOPIC}/{number}", TOPIC, number)
                       for number in range(1, len(result.dialogue) + 1)]
        elif result.comparable:
            slides.append(Slide(NO_TOPICS, NO_TOPICS))
        slides.append(Slide(SHARED, SHARED))
    pages = max(1, -(-steps // STEPS_PER_SLIDE))
    slides += [Slide(STEPS if page == 1 else f"{STEPS}/{page}", STEPS, page)
               for page in range(1, pages + 1)]
    return tuple(slides)


class Projector:
    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 invitation_link: InvitationLink, minimum: int) -> None:
        self.storage = storage
        self.minimum = minimum  # k, for the note when there is no result
        self.questionnaire = questionnaire
        self.renderer = renderer
        self.invitation_link = invitation_link
        self._charts: OrderedDict[tuple[int, str | None, str], bytes] = OrderedDict()

    @property
    def labels(self) -> dict[str, str]:
        """The groups' names, in the language the wall speaks."""
        return {key: self.renderer.text(f"workshop.perspective.{key}")
                for key in (*GROUP_KEYS, REFERENCE)}

    async def workshop_for(self, person: int, workshop_id: int) -> Workshop | None:
        """The workshop if ``person`` coordinates it, else ``None``."""
        workshop = await self.storage.workshops.workshop(workshop_id)
        if workshop is None:
            return None
        if workshop.created_by == person or await self.storage.workshops.is_coordinator(workshop_id, person):
            return workshop
        return None

    def link(self, workshop: Workshop) -> str:
        """The address the room joins with (and its QR code shows)."""
        return self.invitation_link(WorkshopInvitation(workshop.token))

    async def released(self, workshop: Workshop, release: Release) -> WorkshopResult:
        """The stored release, as every other view shows it (never the live aggregate), with
        the administration's own view beside it where a coordinator consented to it."""
        fields, scale = self.questionnaire.select(workshop.field_ids), self.questionnaire.scale
        result = from_snapshot(release.result, fields, scale)
        stored = await self.storage.references.of(workshop.id)
        if stored is None:
            return result
        return replace(result, reference=reference_of(fields, scale, stored.answers,
                                                      stored.answered_on))

    async def projection(self, workshop: Workshop) -> Projection:
        counts = progress(await self.storage.workshops.progress(workshop.id))
        release = await self.storage.releases.latest(workshop.id)
        result = await self.released(workshop, release) if release is not None else None
        steps = tuple(await self.storage.steps.of(workshop.id))
        slides = slides_of(result, len(steps))
        stored = await self.storage.projector.current(workshop.id)
        current = stored if stored is not None and any(s.key == stored for s in slides) else JOIN
        return Projection(workshop, self.link(workshop), counts, result,
                          release is not None and release.kind == INTERIM, steps, slides,
                          current)

    async def show(self, projection: Projection, key: str, step: int) -> Slide:
        """Step ``step`` slides on from ``key`` and store it: the wall follows."""
        slide = projection.beside(key, step)
        await self.storage.projector.show(projection.workshop.id, slide.key)
        return slide

    async def chart(self, workshop: Workshop) -> bytes | None:
        """The project's comparison chart of the latest release, with the level words;
        ``None`` when nothing can be compared."""
        release = await self.storage.releases.latest(workshop.id)
        if release is None:
            return None
        # a release never changes; the reference beside it only until the workshop closes
        stored = await self.storage.references.of(workshop.id)
        key = (release.id, stored.consented_at if stored is not None else None, spoken())
        kept = self._charts.get(key)
        if kept is not None:
            return kept
        result = await self.released(workshop, release)
        if not (result.available and result.comparable):
            return None
        chart = comparison_chart(result, self.questionnaire.scale, self.renderer, self.labels,
                                 levels=True)
        png = await in_drawing_process(draw_comparison, chart, "png", PROJECTOR_DPI,
                                       WALL_TEXT_SCALE)
        self._charts[key] = png
        while len(self._charts) > KEPT_CHARTS:
            self._charts.popitem(last=False)
        return png
