"""The language the current task speaks in, and texts that exist in several languages.

German is the source: every other language translates its texts under the same ids,
so answers, scores and workshop aggregates never depend on the language a person
reads. A channel decides once per update or request which language a person reads
(:func:`speaking`); everything rendered in that task – questionnaire texts, templates,
charts, PDFs made in a worker process – follows it without being handed it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.domain.context_setting import Setting

SOURCE_LANGUAGE = "de"

_SPOKEN: ContextVar[str] = ContextVar("spoken_language", default=SOURCE_LANGUAGE)

W = TypeVar("W")
_T = TypeVar("_T")


def spoken() -> str:
    """The tag (BCP 47, e.g. ``en``, ``de-x-ls``) of the language the current task speaks."""
    return _SPOKEN.get()


def speaking(tag: str) -> Setting[str]:
    """Everything rendered in the current task while this lasts is in ``tag``."""
    return Setting(_SPOKEN, tag)


def speak(tag: str) -> None:
    """From now on the current task (a web request, once its person is known) speaks ``tag``."""
    _SPOKEN.set(tag)


def spoken_call(tag: str, function: Callable[..., _T], *args: object) -> _T:
    """``function(*args)`` in ``tag``: how a job carries its language into a worker process."""
    with speaking(tag):
        return function(*args)


@dataclass(frozen=True)
class Spoken(Generic[W]):
    """A text (or a group of texts) in the source language and its translations.

    A language without a translation here reads the source: a language is only
    offered once it is complete, so that happens only for a language taken away.
    """

    source: W
    translated: tuple[tuple[str, W], ...] = ()

    def now(self) -> W:
        tag = _SPOKEN.get()
        if tag != SOURCE_LANGUAGE:
            for language, words in self.translated:
                if language == tag:
                    return words
        return self.source

    def adding(self, tag: str, words: W) -> Spoken[W]:
        return Spoken(self.source, (*self.translated, (tag, words)))
