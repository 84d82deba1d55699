"""Callback data and message splitting: the small pieces everything relies on."""

from __future__ import annotations

import pytest

from bot.flows.actions import Answer, Back, Begin, decode, encode
from bot.output.render import split_message, telegram_length


def test_callback_data_round_trips_and_stays_within_64_bytes() -> None:
    longest_id = "a" + "b" * 23
    data = encode(Answer(999_999_999_999, longest_id, "E"))
    assert len(data.encode()) <= 64
    assert decode(data) == Answer(999_999_999_999, longest_id, "E")
    assert decode(encode(Back(7, "eins-01"))) == Back(7, "eins-01")
    assert decode(encode(Begin())) == Begin()


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
