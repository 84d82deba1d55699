"""Notices to many people, each through their own channel: the one delivery port.

A shared workshop result, a reminder or a "workshop deleted" notice goes to
people who may use different channels than the sender: a coordinator in
Telegram shares with participants in the browser and the other way round.
A channel that carries out such an :class:`~bot.flows.outcome.Outcome` hands
its :class:`~bot.flows.outcome.Broadcast` to :class:`Delivery`; the
:class:`Dispatcher` looks up how each recipient is reached (stored with them,
see :meth:`bot.store.people.People.channels`) and gives each channel its
share. Each channel does its part as it can (:class:`ChannelDelivery`):
Telegram sends a message, paced for its flood limits; the browser keeps it
for the person's next page. Somebody whose channel does not run in this
installation (Telegram without a token) counts as not reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from bot.domain.entities import Channel
from bot.domain.spoken import SOURCE_LANGUAGE, speaking
from bot.flows.outcome import Broadcast, BroadcastReport, Reply
from bot.store.people import People

log = logging.getLogger(__name__)


class Delivery(Protocol):
    """What a channel calls to send a notice to a list of people, whichever channel they use."""

    async def send(self, broadcast: Broadcast) -> BroadcastReport: ...


class ChannelDelivery(Protocol):
    """One channel's part: the same messages to people it reaches; how many it reached."""

    async def deliver(self, people: tuple[int, ...],
                      replies: tuple[Reply, ...]) -> BroadcastReport: ...


class Dispatcher:
    """The :class:`Delivery` of the process: each channel registers its part once it is built."""

    def __init__(self, people: People) -> None:
        self._people = people
        self._parts: dict[Channel, ChannelDelivery] = {}

    def add(self, channel: Channel, part: ChannelDelivery) -> None:
        self._parts[channel] = part

    async def send(self, broadcast: Broadcast) -> BroadcastReport:
        """Every recipient through their channel, the channels side by side (each keeps its own
        pace); the report counts everybody once."""
        reached = await self._people.channels(broadcast.recipients)
        spoken = await self._people.languages(broadcast.recipients)
        shares: dict[tuple[Channel, str], list[int]] = {}
        for person in broadcast.recipients:
            channel = reached.get(person)
            if channel is not None and channel in self._parts:
                shares.setdefault((channel, spoken.get(person, SOURCE_LANGUAGE)), []).append(person)
        reports = await asyncio.gather(*(self._deliver(channel, people, _composed(broadcast, tag))
                                         for (channel, tag), people in shares.items()))
        delivered = sum(report.delivered for report in reports)
        return BroadcastReport(delivered, len(broadcast.recipients) - delivered)

    async def _deliver(self, channel: Channel, people: Sequence[int],
                       replies: tuple[Reply, ...]) -> BroadcastReport:
        try:
            return await self._parts[channel].deliver(tuple(people), replies)
        except Exception:  # one channel failing must not keep the others' report from the sender
            log.exception("a notice could not be delivered through the %s channel", channel.value)
            return BroadcastReport(0, len(people))


def _composed(broadcast: Broadcast, tag: str) -> tuple[Reply, ...]:
    with speaking(tag):
        return broadcast.compose()
