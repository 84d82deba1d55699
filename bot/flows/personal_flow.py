"""What the flows around one person's run share: storage, questionnaire, templates, the result view."""

from __future__ import annotations

from bot.domain.questionnaire import Questionnaire
from bot.flows.results_view import ResultsView
from bot.output.render import Renderer
from bot.store.storage import Storage


class PersonalFlow:
    """Base of the self-check, its review and its report: the same four tools, set once."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 view: ResultsView) -> None:
        self.storage = storage
        self.questionnaire = questionnaire
        self.render = renderer
        self.view = view
