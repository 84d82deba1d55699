"""The simulated people: each in a private chat, tapping as soon as the bot has replied."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.bench.fake_bot_api import Call
from bot.bench.targets import BotProcess, InProcessBot
from bot.domain.questionnaire import Questionnaire
from bot.flows import actions
from bot.flows.actions import Answer, Begin
from bot.flows.buttons import decode, encode

CHOICES = "ABCDE"


@dataclass
class Tap:
    """One tap in flight: when it was sent and when the person saw its effect."""

    sent: float
    message_id: int
    expects: str | None  # the statement shown next; None: the run ends with this tap
    expects_new_message: bool | None = None  # for answers: the next statement comes below
    spinner: float | None = None
    reply: float | None = None
    summary: float | None = None  # a run's end: when its summary has arrived in full
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Person:
    """Somebody in a private chat who taps as soon as the bot has replied."""

    def __init__(self, crowd: Crowd, user_id: int) -> None:
        self.crowd = crowd
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}",
                     "language_code": "de"}
        self.message: dict[str, Any] | None = None  # the newest bot message with buttons
        self.statement: str | None = None  # whose answer buttons that message shows
        self.pending: Tap | None = None
        self._taps = itertools.count(1)

    def command_update(self, text: str) -> dict[str, Any]:
        """The update Telegram delivers when this person sends the command ``text``."""
        message = {"message_id": next(self.crowd.ids), "date": int(time.time()),
                   "chat": {"id": self.id, "type": "private"}, "from": self.user, "text": text,
                   "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
        return {"update_id": next(self.crowd.ids), "message": message}

    async def command(self, text: str) -> Tap:
        """Send a command; done once the bot has sent a message with buttons."""
        return await self._send(self.command_update(text), message_id=0, expects=None)

    async def tap(self, data: str, expects: str | None,
                  expects_new_message: bool | None = None) -> Tap:
        """Tap a button of the newest message and wait until the reply is seen."""
        assert self.message is not None, "no message with buttons to tap"
        query = {"id": f"{self.id}-{next(self._taps)}", "from": self.user,
                 "chat_instance": str(self.id), "data": data, "message": self.message}
        return await self._send({"update_id": next(self.crowd.ids), "callback_query": query},
                                message_id=self.message["message_id"], expects=expects,
                                expects_new_message=expects_new_message)

    async def begin(self) -> None:
        await self.command("/start")
        await self.tap(encode(Begin()), expects=self.crowd.order[0])

    async def answer_next(self) -> Tap:
        """Answer the statement on screen with a choice that varies from person to person."""
        assert self.statement is not None, "no statement on screen"
        run_id = self.crowd.run_of(self.message)
        index = self.crowd.position[self.statement]
        following = self.crowd.order[index + 1] if index + 1 < len(self.crowd.order) else None
        choice = CHOICES[(self.id + index) % len(CHOICES)]
        new_message = following is not None and \
            self.crowd.field_of[following] != self.crowd.field_of[self.statement]
        tap = await self.tap(encode(Answer(run_id, self.statement, choice)), expects=following,
                             expects_new_message=new_message)
        self.crowd.answers_counted += tap.reply is not None
        return tap

    async def _send(self, data: dict[str, Any], message_id: int, expects: str | None,
                    expects_new_message: bool | None = None) -> Tap:
        tap = Tap(sent=time.perf_counter(), message_id=message_id, expects=expects,
                  expects_new_message=expects_new_message)
        self.pending = tap
        self.crowd.target.deliver(data)
        try:
            async with asyncio.timeout(self.crowd.tap_timeout):
                await tap.done.wait()
        except TimeoutError:
            self.crowd.lost_taps += 1
        self.pending = None
        return tap

    def saw(self, call: Call, now: float) -> None:
        """What the fake Bot API has just answered for this person."""
        result = call.result if isinstance(call.result, dict) else None
        if result is not None and result.get("reply_markup"):
            self.message = result
            self.statement = self.crowd.statement_of(result)
        tap = self.pending
        if tap is None:
            return
        if call.method == "answerCallbackQuery":
            tap.spinner = now
        elif tap.message_id == 0:  # a command: done with the first message that has buttons
            if result is not None and result.get("reply_markup"):
                tap.reply = now
        elif tap.expects is None:
            if call.method == "editMessageText" and result is not None \
                    and result["message_id"] == tap.message_id:
                tap.reply = now
            elif result is not None and result.get("reply_markup") and _ends_summary(result):
                tap.summary = now
        elif self.statement == tap.expects and result is not None and result.get("reply_markup"):
            tap.reply = now
        if tap.message_id == 0:
            done = tap.reply is not None
        else:
            done = tap.reply is not None and tap.spinner is not None and (
                tap.expects is not None or tap.summary is not None)
        if done:
            tap.done.set()


class Crowd:
    """The simulated people and the fake Bot API's view of them."""

    def __init__(self, target: InProcessBot | BotProcess, questionnaire: Questionnaire,
                 tap_timeout: float) -> None:
        self.target = target
        self.sample_edit: dict[str, Any] | None = None  # an edit of the bot's, for the floor
        self.tap_timeout = tap_timeout
        self.order = tuple(s.id for s in questionnaire.statements)
        self.position = {sid: i for i, sid in enumerate(self.order)}
        self.field_of = {s.id: s.field_id for s in questionnaire.statements}
        self.people: dict[int, Person] = {}
        self.ids = itertools.count(1)
        self.calls = 0
        self.calls_by_method: Counter[str] = Counter()
        self.calls_by_second: Counter[int] = Counter()
        self.lost_taps = 0
        self.answers_counted = 0

    def person(self, user_id: int) -> Person:
        self.people[user_id] = Person(self, user_id)
        return self.people[user_id]

    def on_answer(self, call: Call) -> None:
        now = time.perf_counter()
        self.calls += 1
        self.calls_by_method[call.method] += 1
        self.calls_by_second[int(now)] += 1
        if call.method == "editMessageText" and isinstance(call.result, dict) \
                and call.result.get("reply_markup"):
            self.sample_edit = {"text": call.params["text"],
                                "reply_markup": call.params["reply_markup"]}
        who = person_id(call)
        person = self.people.get(who) if who is not None else None
        if person is not None:
            person.saw(call, now)

    @staticmethod
    def statement_of(message: dict[str, Any]) -> str | None:
        for row in message["reply_markup"]["inline_keyboard"]:
            decoded = decode(row[0].get("callback_data"))
            if isinstance(decoded, Answer):
                return decoded.statement_id
        return None

    @staticmethod
    def run_of(message: dict[str, Any] | None) -> int:
        assert message is not None
        decoded = decode(message["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        assert isinstance(decoded, Answer)
        return decoded.run_id


def _ends_summary(message: dict[str, Any]) -> bool:
    """The results summary's last message: the one with the button for the PDF report."""
    return any(isinstance(decode(button.get("callback_data")), actions.Report)
               for row in message["reply_markup"]["inline_keyboard"] for button in row)


def person_id(call: Call) -> int | None:
    if "chat_id" in call.params:
        return int(call.params["chat_id"])
    if "callback_query_id" in call.params:
        return int(str(call.params["callback_query_id"]).split("-", 1)[0])
    return None


async def everyone(people: Iterable[Person], action: str) -> list[Any]:
    return await asyncio.gather(*(getattr(p, action)() for p in people))
