"""Which language each person reads: the one they chose, else the one their channel wishes.

A choice is stored with the person (not with a session or a chat), so it follows
them to another device with their continue link or resume code. Answers do not
depend on it: every language asks the same statements under the same ids, so a
person may change it in the middle of a run and loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.spoken import SOURCE_LANGUAGE
from bot.flows.actions import ChooseLanguage
from bot.flows.outcome import Button, Keyboard
from bot.flows.refusals import refused_button
from bot.output.languages import Language, chosen_language
from bot.output.render import Renderer, speaking_browser
from bot.store.people import People

NOBODY = 0  # a browser visitor not stored yet: nothing chosen, their browser's wish decides


class Languages:
    def __init__(self, people: People, renderer: Renderer) -> None:
        self._people = people
        self._render = renderer

    @property
    def offered(self) -> tuple[Language, ...]:
        return self._render.languages

    def offers(self, tag: str) -> bool:
        return self._render.offers(tag)

    def wished(self, wishes: Sequence[str]) -> str:
        """The offered language nearest to a channel's wishes (Telegram's language, a browser's)."""
        return chosen_language(wishes, (language.tag for language in self.offered)) \
            or SOURCE_LANGUAGE

    async def of(self, person: int, wishes: Sequence[str] = ()) -> str:
        """The language ``person`` reads now."""
        if person == NOBODY:
            return self.wished(wishes)
        chosen = await self._people.language(person)
        if chosen is not None and self._render.offers(chosen):
            return chosen
        wished = self.wished(wishes)
        if chosen is None and wished != SOURCE_LANGUAGE and await self._people.has_user(person):
            # Kept as if chosen: what reaches them unasked (a reminder, a shared result) is
            # in their language too.
            await self._people.choose_language(person, wished)
        return wished

    async def choose(self, person: int, tag: str) -> None:
        """Keep ``tag`` as the person's language; refused for a language not offered (any more)."""
        if not self._render.offers(tag):
            raise refused_button(self._render)
        await self._people.choose_language(person, tag)

    def switch(self) -> Keyboard:
        """Buttons to the other languages, each named in its own language.

        A page has a switch of its own on every page, so only a chat gets these.
        """
        if speaking_browser():
            return ()
        current = self._render.language.tag
        others = tuple(Button(language.name, ChooseLanguage(language.tag))
                       for language in self.offered if language.tag != current)
        return (others,) if others else ()
