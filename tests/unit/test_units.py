"""Callback data and message splitting: the small pieces everything relies on."""

from __future__ import annotations

import pytest

from bot.flows.actions import (
    Answer,
    Back,
    Begin,
    ButtonAction,
    ChangePerspective,
    EditNextStep,
    ManageWorkshop,
    RemoveCoordinator,
    RemoveNextStep,
)
from bot.flows.buttons import decode, encode
from bot.output.render import split_message, telegram_length


def test_callback_data_round_trips_and_stays_within_64_bytes() -> None:
    longest_id = "a" + "b" * 23
    data = encode(Answer(999_999_999_999, longest_id, "E"))
    assert len(data.encode()) <= 64
    assert decode(data) == Answer(999_999_999_999, longest_id, "E")
    assert decode(encode(Back(7, "eins-01"))) == Back(7, "eins-01")
    assert decode(encode(Begin())) == Begin()


@pytest.mark.parametrize(("action", "data"), [
    (ManageWorkshop("release", 7), "w:release:7"),
    (ManageWorkshop("remind", 7), "w:remind:7"),
    (ManageWorkshop("steps", 7), "w:steps:7"),
    (ChangePerspective(7), "wp:7:neu"),
    (RemoveCoordinator(7, 123_456_789_012_345), "wk:7:123456789012345"),
    (EditNextStep(7, 3), "wn:7:3"),
    (EditNextStep(7, None), "wn:7:neu"),
    (RemoveNextStep(7, 5), "wx:7:5"),
])
def test_workshop_buttons_keep_their_strings_and_round_trip(action: ButtonAction,
                                                            data: str) -> None:
    assert encode(action) == data
    assert decode(data) == action


@pytest.mark.parametrize("action", [
    EditNextStep(7, 6), EditNextStep(7, 0), RemoveNextStep(7, 0), RemoveNextStep(7, 6),
    RemoveCoordinator(7, 0), RemoveCoordinator(7, -5), ManageWorkshop("peek", 7),
])
def test_workshop_buttons_out_of_range_cannot_be_encoded(action: ButtonAction) -> None:
    with pytest.raises(ValueError):
        encode(action)


@pytest.mark.parametrize("data", [
    "wp:7:neu2", "wp:07:neu", "wp:7:NEU", "wk:7:0", "wk:7:-5", "wk:7:1234567890123456",
    "wk:7:", "wk:x:5", "wn:7:6", "wn:7:0", "wn:7:neu:1", "wn:7:", "wn:7:alt", "wx:7:neu",
    "wx:7:6", "wx:7:1 ", "wx:7:01", "w:release", "w:remind:x", "w:steps:0", "w:step:7",
])
def test_forged_workshop_buttons_are_rejected(data: str) -> None:
    assert decode(data) is None


@pytest.mark.parametrize("data", [
    None, "", "a:1:eins-01", "a:1:eins-01:a", "a:01:eins-01:A", "a:1:eins-01:A:extra",
    "a:-1:eins-01:A", "a:1:Eins-01:A", "p:", "p:x", "begin2", " begin", "r:1\n",
    "a:1:" + "x" * 60 + ":A", "ä" * 40,
])
def test_malformed_callback_data_is_rejected(data: str | None) -> None:
    assert decode(data) is None


def test_split_message_keeps_paragraphs_and_respects_the_limit() -> None:
    paragraphs = [f"<b>Feld {i}</b>\n" + "\n".join(f"• Anregung {i}.{j} " + "x" * 80
                                                     for j in range(12)) for i in range(7)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text, limit=1500)
    assert len(parts) > 1
    assert all(telegram_length(part) <= 1500 for part in parts)
    assert "\n".join(parts).replace("\n", "") == text.replace("\n", "")
    assert all(part.count("<b>") == part.count("</b>") for part in parts)


def test_split_message_counts_utf16_like_telegram() -> None:
    emoji_line = "📊" * 30  # 60 UTF-16 code units
    parts = split_message("\n".join([emoji_line] * 3), limit=125)
    assert [telegram_length(p) for p in parts] == [121, 60]
