"""People in the browser: an anonymous person per random token, no account.

A browser person is a ``users`` row of the channel ``browser`` (how they are
reached: on their page) and a ``web_sessions`` row naming it by the SHA-256 of
a random token. Their user id is drawn negative, so it never collides with a
Telegram user id (always positive); nothing reads the sign. A Telegram
coordinator's private management link is a further session for their own
user id, who stays reached in Telegram. The token itself lives only in the person's
cookie and continue link: a copy of the database cannot be turned back into
working links. A visitor who has not acted yet has no row at all: the
browser channel creates the person, under the token already in the
visitor's cookie, at their first action that must be stored. The session
hangs off the user with ``ON DELETE CASCADE``, so deleting the person's data
(or the retention period) ends the session too.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from bot.domain.entities import Channel
from bot.domain.resume_code import code_for
from bot.store.connection import Database

TOKEN_BYTES = 24  # 192 bits; URL-safe base64 makes 32 characters
_ID_RANGE = 2**53  # ids stay exact in JSON and JavaScript, should they ever travel there


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def code_hash(code: str) -> bytes:
    """The stored form of a plain resume code (:mod:`bot.domain.resume_code`)."""
    return hashlib.sha256(b"resume-code:" + code.encode()).digest()


def _hashes(token: str) -> tuple[bytes, bytes]:
    """A new session's row keys: its token's hash and its resume code's."""
    return token_hash(token), code_hash(code_for(token))


_NEW_SESSION = "INSERT INTO web_sessions (token_hash, code_hash, user_id, created_at)"
KNOWN_SESSIONS = 10_000  # sessions kept in memory, a few dozen bytes each; the oldest go first


@dataclass(frozen=True)
class StoredSession:
    """A session's person, and whether its resume code is stored (not for older sessions)."""

    person: int
    coded: bool
    language: str | None = None  # the person's chosen language


@dataclass(frozen=True)
class Holdings:
    """What a person has stored, for a page that asks before another person replaces them."""

    answers: int
    workshops: int  # workshops they take part in or coordinate

    @property
    def anything(self) -> bool:
        return bool(self.answers or self.workshops)


class WebSessions:
    def __init__(self, database: Database) -> None:
        self._db = database
        # Sessions read lately, by their token's hash: a person's every page and every answer
        # asks again. Whatever ends, moves or changes a session, or deletes a person or changes
        # their language, forgets them all (:meth:`forget_known`); a read that overlapped
        # such a change is not kept.
        self._known: dict[bytes, StoredSession] = {}
        self._changes = 0

    async def person_of(self, token: str) -> int | None:
        """The person this token belongs to, or ``None`` for an unknown or deleted one.

        The lookup is by hash in an index, so its time says nothing about how
        close a guessed token came to a real one.
        """
        session = await self.session(token)
        return session.person if session is not None else None

    async def session(self, token: str) -> StoredSession | None:
        """The session this token opens, read once per request (see :meth:`person_of`)."""
        key = token_hash(token)
        known = self._known.get(key)
        if known is not None:
            return known
        changes = self._changes
        row = await self._db.row("SELECT s.user_id, s.code_hash IS NOT NULL AS coded, u.language"
                                 " FROM web_sessions AS s LEFT JOIN users AS u USING (user_id)"
                                 " WHERE s.token_hash = ?", (key,))
        if row is None:
            return None
        session = StoredSession(int(row["user_id"]), bool(row["coded"]), row["language"])
        if changes == self._changes:
            if len(self._known) >= KNOWN_SESSIONS:
                del self._known[next(iter(self._known))]  # the oldest
            self._known[key] = session
        return session

    def forget_known(self) -> None:
        """A session or a person has changed: read every session afresh."""
        self._changes += 1
        self._known.clear()

    async def person_by_code(self, code: str) -> int | None:
        """The person whose session this plain resume code belongs to, or ``None``.

        Looked up by hash in an index, like a token; a code two people's sessions
        share (one chance in 2^80 per pair) names neither.
        """
        rows = await self._db.rows("SELECT DISTINCT user_id FROM web_sessions"
                                   " WHERE code_hash = ? LIMIT 2", (code_hash(code),))
        return int(rows[0][0]) if len(rows) == 1 else None

    async def store_code(self, token: str) -> None:
        """Store the resume code of a session from before codes (its page is about to show it)."""
        await self._db.write("UPDATE web_sessions SET code_hash = ?"
                             " WHERE token_hash = ? AND code_hash IS NULL",
                             (code_hash(code_for(token)), token_hash(token)))
        self.forget_known()

    async def open_session(self, person: int) -> str:
        """A further token for a known person: a coordinator's private link into the browser."""
        token = new_token()
        await self._db.write(f"{_NEW_SESSION} VALUES (?, ?, ?, ?)",
                             (*_hashes(token), person, self._db.now()))
        return token

    async def create_person(self, token: str | None = None) -> tuple[int, str]:
        """A new anonymous person and the token that names them from now on.

        ``token`` is a visitor's cookie, kept so that their open page stays valid;
        should two requests carry it at once, both get the one person it names.
        """
        token = token or new_token()
        at = self._db.now()
        while True:
            person = -(secrets.randbelow(_ID_RANGE - 1) + 1)
            try:
                async with self._db.transaction() as db:
                    cursor = await db.execute("SELECT user_id FROM web_sessions"
                                              " WHERE token_hash = ?", (token_hash(token),))
                    existing = await cursor.fetchone()
                    if existing is not None:
                        return int(existing[0]), token
                    await db.execute("INSERT INTO users (user_id, channel, created_at,"
                                     " last_active_at) VALUES (?, ?, ?, ?)",
                                     (person, Channel.BROWSER.value, at, at))
                    await db.execute(f"{_NEW_SESSION} VALUES (?, ?, ?, ?)",
                                     (*_hashes(token), person, at))
            except sqlite3.IntegrityError:
                continue  # that id is taken (one chance in billions): draw another
            return person, token

    async def move(self, person: int) -> str | None:
        """The person's one session from now on: every other token of theirs stops working.

        Opening a continue link or typing the resume code moves a person to the browser
        that did; whoever held the link, the code or a session before (a copied link, a
        prepared identity) is out.
        ``None``: the person has just deleted their data.
        """
        token = new_token()
        async with self._db.transaction() as db:
            await db.execute("DELETE FROM web_sessions WHERE user_id = ?", (person,))
            cursor = await db.execute(f"{_NEW_SESSION} SELECT ?, ?, user_id, ? FROM users"
                                      " WHERE user_id = ?",
                                      (*_hashes(token), self._db.now(), person))
            moved = cursor.rowcount == 1
        self.forget_known()
        return token if moved else None

    async def holdings(self, person: int) -> Holdings:
        row = await self._db.row(
            "SELECT (SELECT COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id"
            "        WHERE runs.user_id = ?) AS answers,"
            " (SELECT COUNT(*) FROM workshop_participants WHERE user_id = ?)"
            " + (SELECT COUNT(*) FROM workshops WHERE created_by = ?)"
            " + (SELECT COUNT(*) FROM workshop_coordinators WHERE user_id = ?) AS workshops",
            (person,) * 4)
        assert row is not None
        return Holdings(int(row["answers"]), int(row["workshops"]))
