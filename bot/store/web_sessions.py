"""People in the browser: an anonymous person per random token, no account.

A browser person is a ``users`` row of the channel ``browser`` (how they are
reached: on their page) and a ``web_sessions`` row naming it by the SHA-256 of
a random token. Their user id is drawn negative, so it never collides with a
Telegram user id (always positive); nothing reads the sign. A Telegram
coordinator's private management link is a further session for their own
user id, who stays reached in Telegram. The token itself lives only in the person's
cookie and continue link: a copy of the database cannot be turned back into
working links. The session hangs off the user with ``ON DELETE CASCADE``, so
deleting the person's data (or the retention period) ends the session too.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3

from bot.domain.entities import Channel
from bot.store.connection import Database

TOKEN_BYTES = 24  # 192 bits; URL-safe base64 makes 32 characters
_ID_RANGE = 2**53  # ids stay exact in JSON and JavaScript, should they ever travel there


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class WebSessions:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def person_of(self, token: str) -> int | None:
        """The person this token belongs to, or ``None`` for an unknown or deleted one.

        The lookup is by hash in an index, so its time says nothing about how
        close a guessed token came to a real one.
        """
        row = await self._db.row("SELECT user_id FROM web_sessions WHERE token_hash = ?",
                                 (token_hash(token),))
        return int(row["user_id"]) if row is not None else None

    async def open_session(self, person: int) -> str:
        """A further token for a known person: a coordinator's private link into the browser."""
        token = new_token()
        await self._db.write("INSERT INTO web_sessions (token_hash, user_id, created_at)"
                             " VALUES (?, ?, ?)", (token_hash(token), person, self._db.now()))
        return token

    async def create_person(self) -> tuple[int, str]:
        """A new anonymous person and the token that names them from now on."""
        token = new_token()
        at = self._db.now()
        while True:
            person = -(secrets.randbelow(_ID_RANGE - 1) + 1)
            try:
                async with self._db.transaction() as db:
                    await db.execute("INSERT INTO users (user_id, channel, created_at,"
                                     " last_active_at) VALUES (?, ?, ?, ?)",
                                     (person, Channel.BROWSER.value, at, at))
                    await db.execute("INSERT INTO web_sessions (token_hash, user_id, created_at)"
                                     " VALUES (?, ?, ?)", (token_hash(token), person, at))
            except sqlite3.IntegrityError:
                continue  # that id is taken (one chance in billions): draw another
            return person, token
