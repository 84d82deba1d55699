"""A short code to pick up on another device: read aloud, written down, typed.

The code belongs to a browser session the way its continue link does: it is
derived from the session's random token, so the page can show it again at any
time while the database keeps only its hash. Sixteen characters of Crockford's
base32 (no I, L, O or U, nothing that reads like another character) carry 80
bits, shown in four groups of four. Typed, case and separators do not matter,
and the letters Crockford reads as digits (O as 0, I and L as 1) count as those.
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 16
BITS = LENGTH * 5  # 80
GROUP = 4
_SEPARATORS = str.maketrans("", "", "-\u2010\u2011\u2013\u2014_.")  # dashes; white space too
_READ_AS = str.maketrans("OIL", "011")


def code_for(token: str) -> str:
    """The session's code (plain, without separators): 80 bits of a hash of its token."""
    digest = hashlib.sha256(b"selbstcheck-resume-code:" + token.encode()).digest()
    number = int.from_bytes(digest[:BITS // 8], "big")
    return "".join(ALPHABET[(number >> shift) & 31] for shift in range(BITS - 5, -1, -5))


def shown(code: str) -> str:
    """The code as a page shows it: ``K7QM-4XRT-9WHC-2PDF``."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def typed(text: str) -> str | None:
    """The code a person typed, in its plain form; ``None`` if it cannot be one.

    Spaces, dashes and dots anywhere and any case are fine, and so are O, I and L
    for 0, 1 and 1; a U, any other character or a wrong length is not.
    """
    plain = "".join(text.split()).translate(_SEPARATORS).upper().translate(_READ_AS)
    if len(plain) != LENGTH or any(c not in ALPHABET for c in plain):
        return None
    return plain
