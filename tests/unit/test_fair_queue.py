"""The order in which a worker serves waiting jobs: in turn by address, then by person."""

from __future__ import annotations

from bot.output.fair_queue import FairQueue, Requester, current_requester, requested_by


def test_addresses_take_turns_then_the_people_at_one_address() -> None:
    queue: FairQueue[str] = FairQueue()
    for n in range(3):
        queue.put(Requester(person=1, address="flood"), f"a{n}")
        queue.put(Requester(person=2, address="flood"), f"b{n}")
    queue.put(Requester(person=3, address="room"), "c0")
    queue.put(Requester(person=3, address="room"), "c1")
    served = [queue.take() for _ in range(len(queue))]
    assert served == ["a0", "c0", "b0", "c1", "a1", "b1", "a2", "b2"]


def test_a_newcomer_goes_before_those_served_already() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.put(Requester(person=1, address="flood"), "a0")
    queue.put(Requester(person=1, address="flood"), "a1")
    assert queue.take() == "a0"
    queue.put(Requester(person=2, address="other"), "b0")
    assert [queue.take(), queue.take()] == ["b0", "a1"]


def test_telegram_people_without_an_address_take_turns_as_their_own() -> None:
    queue: FairQueue[str] = FairQueue()
    for n in range(2):
        queue.put(Requester(person=7), f"x{n}")
    queue.put(Requester(person=8), "y0")
    assert [queue.take() for _ in range(3)] == ["x0", "y0", "x1"]


def test_a_forgotten_requester_is_served_like_a_new_one() -> None:
    queue: FairQueue[str] = FairQueue(remembered=2)
    for person in (1, 2, 3):
        queue.put(Requester(person=person), f"{person}")
    queue.put(Requester(person=1), "1 again")
    queue.put(Requester(person=3), "3 again")
    # serving 2 pushes 1's turn out of memory (one requester's two keys fit): 1 counts as
    # never served again and, waiting longer than 3, goes first
    assert [queue.take() for _ in range(3)] == ["1", "2", "1 again"]


def test_once_nobody_waits_no_turn_is_kept() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.put(Requester(person=1, address="198.51.100.7"), "flood")
    assert queue.take() == "flood"
    queue.finished()
    assert not queue._last_turn  # no address stays in memory after the work is done
    queue.put(Requester(person=1, address="198.51.100.7"), "flood again")
    queue.put(Requester(person=2, address="192.0.2.1"), "other")
    assert [queue.take(), queue.take()] == ["flood again", "other"]


def test_the_requester_set_by_a_channel_and_the_flows_adds_up_and_ends_with_the_block() -> None:
    assert current_requester() == Requester()
    with requested_by(address="192.0.2.7"):
        with requested_by(person=12):
            assert current_requester() == Requester(person=12, address="192.0.2.7")
        assert current_requester() == Requester(address="192.0.2.7")
    assert current_requester() == Requester()
