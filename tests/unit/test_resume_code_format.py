"""The resume code: its alphabet, its entropy, how typed input is read, how it is stored."""

from __future__ import annotations

import math
import secrets
import sqlite3
from collections import Counter
from pathlib import Path

from bot.domain.resume_code import ALPHABET, BITS, code_for, shown, typed
from bot.store.storage import Storage
from bot.store.web_sessions import code_hash
from tests.clock import SettableClock


def test_the_alphabet_has_no_letter_that_reads_like_another() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert ALPHABET == "".join(sorted(ALPHABET))  # digits, then letters: Crockford's order


def test_a_code_carries_80_bits_shown_in_four_groups_of_four() -> None:
    code = code_for(secrets.token_urlsafe(24))
    assert len(code) == 16 and BITS == 80 >= 64
    assert all(c in ALPHABET for c in code)
    assert shown(code) == f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"
    assert code_for("the same token") == code_for("the same token")  # shown again at any time


def test_every_character_of_a_code_is_uniformly_spread() -> None:
    # 2,000 codes: each of the 32 characters in each of the 16 places about 62 times. A
    # code built from fewer bits (or a biased mapping) leaves characters out or piles them up.
    codes = [code_for(secrets.token_urlsafe(24)) for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for place in range(16):
        counts = Counter(code[place] for code in codes)
        assert set(counts) == set(ALPHABET), place
        chi2 = sum((n - 2000 / 32) ** 2 / (2000 / 32) for n in counts.values())
        assert chi2 < 80, (place, chi2)  # 31 degrees of freedom: p < 1e-6 above 80
    entropy = -sum(n / 32000 * math.log2(n / 32000)
                   for n in Counter("".join(codes)).values())
    assert entropy > 4.98  # of at most 5 bits a character


def test_typed_codes_are_read_whatever_their_case_and_separators() -> None:
    code = code_for("token")
    assert typed(shown(code)) == code
    assert typed(shown(code).lower()) == code
    assert typed(" ".join(code)) == code
    assert typed(f"  {code[:8]} – {code[8:]}\n") == code
    assert typed(f"{code[:4]}\u00a0{code[4:8]}\u2011{code[8:]}") == code  # as copied from a page
    assert typed("K7QM.4XRT_9WHC 2PDF") == "K7QM4XRT9WHC2PDF"
    # Crockford's reading of O, I and L: what a person may write for 0 and 1
    assert typed("oooo-iiii-llll-0000") == "0000111111110000"


def test_what_cannot_be_a_code_is_refused_before_any_lookup() -> None:
    for wrong in ("", "   ", "K7QM-4XRT-9WHC", "K7QM-4XRT-9WHC-2PDF-A", "K7QM-4XRT-9WHC-2PDU",
                  "K7QM-4XRT-9WHC-2PD!", "K7QM-4XRT-9WHC-2PDÄ"):
        assert typed(wrong) is None, wrong


async def test_a_code_is_stored_as_its_hash_only_and_found_through_an_index(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(str(tmp_path / "s.db"), clock)
    try:
        person, token = await storage.web_sessions.create_person()
        code = code_for(token)
        assert await storage.web_sessions.person_by_code(code) == person
        assert await storage.web_sessions.person_by_code(code_for("another token")) is None
        moved = await storage.web_sessions.move(person)
        assert moved is not None
        assert await storage.web_sessions.person_by_code(code) is None  # the old code is out
        assert await storage.web_sessions.person_by_code(code_for(moved)) == person
    finally:
        await storage.close()
    db = sqlite3.connect(tmp_path / "s.db")
    try:
        stored = [bytes(row[0]) for row in db.execute("SELECT code_hash FROM web_sessions")]
        assert stored == [code_hash(code_for(moved))]
        assert code_for(moved).encode() not in db.execute(
            "SELECT group_concat(quote(code_hash)) FROM web_sessions").fetchone()[0].encode()
        plan = [row[3] for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT user_id FROM web_sessions WHERE code_hash = ?",
            (b"x",))]
        assert any("USING INDEX web_sessions_by_code" in step for step in plan), plan
    finally:
        db.close()


async def test_a_session_from_before_codes_gets_its_code_when_its_page_shows_it(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(str(tmp_path / "s.db"), clock)
    try:
        person, token = await storage.web_sessions.create_person()
        await storage.database.write("UPDATE web_sessions SET code_hash = NULL", ())  # as migrated
        session = await storage.web_sessions.session(token)
        assert session is not None and (session.person, session.coded) == (person, False)
        assert await storage.web_sessions.person_by_code(code_for(token)) is None
        await storage.web_sessions.store_code(token)
        assert await storage.web_sessions.person_by_code(code_for(token)) == person
        session = await storage.web_sessions.session(token)
        assert session is not None and session.coded
    finally:
        await storage.close()
