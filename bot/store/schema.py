"""The database schema: numbered migrations, and applying them.

Each migration is a SQL script recorded in ``PRAGMA user_version`` once
applied; a released migration is never edited, only followed by a new one.
The version is read and the missing migrations applied inside one write
transaction, so two processes opening a fresh database at once migrate it
exactly once between them.
"""

from __future__ import annotations

import sqlite3

import aiosqlite

from bot.store.errors import StorageError

MIGRATIONS: tuple[str, ...] = (
    # 1: people, their runs through the questionnaire and their answers.
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,       -- Telegram user id
        created_at  TEXT NOT NULL
    );
    CREATE TABLE runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        workshop_id  INTEGER,                  -- NULL for a personal self-check
        field_ids    TEXT,                     -- comma-separated selection, NULL = all fields
        status       TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'finished', 'cancelled')),
        cursor       TEXT,                     -- statement shown after "Zurück", else NULL
        started_at   TEXT NOT NULL,
        finished_at  TEXT
    );
    CREATE UNIQUE INDEX runs_one_active
        ON runs(user_id, IFNULL(workshop_id, 0)) WHERE status = 'active';
    CREATE TABLE answers (
        run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        statement_id  TEXT NOT NULL,
        choice        TEXT NOT NULL CHECK (choice IN ('A', 'B', 'C', 'D', 'E')),
        answered_at   TEXT NOT NULL,
        PRIMARY KEY (run_id, statement_id)
    ) WITHOUT ROWID;
    """,
    # 2: the municipality's name for the printable report, asked once per person.
    """
    CREATE TABLE municipality_names (
        user_id         INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        name            TEXT,                  -- NULL: no name (skipped or removed)
        decided_at      TEXT,                  -- when the person gave or skipped it; NULL: not yet
        awaiting_since  TEXT,                  -- the next message is the name, if it comes soon
        report_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL  -- report to send then
    );
    """,
    # 3: workshops: several perspectives from one municipality. Everything that
    # names a person references users(user_id) ON DELETE CASCADE, so deleting a
    # person takes their answers out of every aggregate. A workshop goes with
    # its creator; its runs (runs.workshop_id has no foreign key) go with it by
    # trigger, which also fires when the deletion cascades from users.
    """
    CREATE TABLE workshops (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        token              TEXT NOT NULL UNIQUE,   -- invitation deep link; renewing replaces it
        coordinator_token  TEXT UNIQUE,            -- one-time co-coordinator invitation, or NULL
        municipality       TEXT NOT NULL,
        field_ids          TEXT,                   -- comma-separated selection, NULL = all fields
        status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        revision           INTEGER NOT NULL DEFAULT 0,  -- bumped by renew, close and share
        created_by         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        created_at         TEXT NOT NULL,
        closed_at          TEXT
    );
    CREATE INDEX workshops_by_creator ON workshops(created_by);
    CREATE TABLE workshop_coordinators (           -- co-coordinators; the creator is created_by
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        added_at     TEXT NOT NULL,
        PRIMARY KEY (workshop_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX workshop_coordinators_by_user ON workshop_coordinators(user_id);
    CREATE TABLE workshop_participants (
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        perspective  TEXT,                         -- NULL until the participant has chosen
        joined_at    TEXT NOT NULL,
        PRIMARY KEY (workshop_id, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE workshop_drafts (                 -- a coordinator setting up a workshop
        user_id       INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        municipality  TEXT,                        -- NULL while the bot waits for the name
        field_ids     TEXT NOT NULL,               -- comma-separated selection so far
        created_at    TEXT NOT NULL
    );
    CREATE INDEX runs_by_workshop ON runs(workshop_id) WHERE workshop_id IS NOT NULL;
    CREATE TRIGGER workshop_runs_leave_with_their_workshop AFTER DELETE ON workshops
    BEGIN
        DELETE FROM runs WHERE workshop_id = OLD.id;
    END;
    -- The run a person last worked on, so /weiter continues there when a
    -- workshop run and a personal run are both open.
    ALTER TABLE users ADD COLUMN current_run INTEGER REFERENCES runs(id) ON DELETE SET NULL;
    """,
    # 4: reliability and privacy. ``last_active_at`` drives the retention period
    # (back-filled from the newest stored activity: runs, answers, the report's
    # name, workshops set up, joined or co-coordinated); ``heartbeat`` is the
    # health signal: one row, rewritten by the running bot.
    """
    ALTER TABLE users ADD COLUMN last_active_at TEXT;
    UPDATE users SET last_active_at = MAX(
        created_at,
        IFNULL((SELECT MAX(MAX(r.started_at, IFNULL(r.finished_at, ''))) FROM runs r
                WHERE r.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(a.answered_at) FROM answers a JOIN runs r ON r.id = a.run_id
                WHERE r.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(IFNULL(m.decided_at, ''), IFNULL(m.awaiting_since, ''))
                FROM municipality_names m WHERE m.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(MAX(w.created_at, IFNULL(w.closed_at, ''))) FROM workshops w
                WHERE w.created_by = users.user_id), ''),
        IFNULL((SELECT MAX(c.added_at) FROM workshop_coordinators c
                WHERE c.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(p.joined_at) FROM workshop_participants p
                WHERE p.user_id = users.user_id), ''),
        IFNULL((SELECT d.created_at FROM workshop_drafts d
                WHERE d.user_id = users.user_id), ''));
    CREATE INDEX users_last_active ON users(last_active_at);
    CREATE TABLE heartbeat (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        beat_at  TEXT NOT NULL
    );
    """,
    # 5: one pending input per person instead of a waiting state in each of
    # municipality_names (awaiting_since, report_run_id) and workshop_drafts
    # (municipality IS NULL) that had to clear each other. What was waited for
    # carries over (the newer of two wins) with the validity it had (24 hours
    # for the report's name, one hour for a workshop's); the report's name
    # table keeps only the name.
    """
    CREATE TABLE pending_inputs (
        user_id  INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        awaited  TEXT NOT NULL CHECK (awaited IN ('report_name', 'workshop_name')),
        run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL,  -- report_name: report to send
        since    TEXT NOT NULL,
        until    TEXT NOT NULL                 -- a later message is no longer the answer
    );
    INSERT INTO pending_inputs (user_id, awaited, run_id, since, until)
        SELECT user_id, 'report_name', report_run_id, awaiting_since,
               strftime('%Y-%m-%dT%H:%M:%S+00:00', awaiting_since, '+24 hours')
        FROM municipality_names WHERE awaiting_since IS NOT NULL;
    INSERT INTO pending_inputs (user_id, awaited, run_id, since, until)
        SELECT user_id, 'workshop_name', NULL, created_at,
               strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+1 hour')
        FROM workshop_drafts WHERE municipality IS NULL AND true
        ON CONFLICT (user_id) DO UPDATE SET awaited = excluded.awaited, run_id = NULL,
            since = excluded.since, until = excluded.until WHERE excluded.since > since;
    CREATE TABLE municipality_names_5 (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        name        TEXT,                      -- NULL: no name (skipped or removed)
        decided_at  TEXT                       -- when the person gave or skipped it; NULL: not yet
    );
    INSERT INTO municipality_names_5 (user_id, name, decided_at)
        SELECT user_id, name, decided_at FROM municipality_names WHERE decided_at IS NOT NULL;
    DROP TABLE municipality_names;
    ALTER TABLE municipality_names_5 RENAME TO municipality_names;
    """,
    # 6: released workshop results. Every view shows a stored release, never the
    # live aggregate. A release keeps only the shown numbers (``result``, JSON)
    # and a marker per counted answer, to tell what changed by the next release;
    # a person's deletion blanks their markers (who and what) but keeps the
    # fact that somebody of that perspective left. Also: the last reminder, the
    # steps a workshop agreed on, and a step being typed as one more pending
    # input (the table is rebuilt: its CHECK names what may be awaited).
    """
    CREATE TABLE workshop_releases (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('interim', 'final')),
        released_at  TEXT NOT NULL,
        result       TEXT NOT NULL
    );
    CREATE INDEX workshop_releases_by_workshop ON workshop_releases(workshop_id);
    CREATE TABLE workshop_release_markers (
        release_id    INTEGER NOT NULL REFERENCES workshop_releases(id) ON DELETE CASCADE,
        user_id       INTEGER,                 -- NULL once the person has deleted their data
        perspective   TEXT NOT NULL,
        statement_id  TEXT NOT NULL,
        choice        TEXT                     -- NULL once the person has deleted their data
    );
    CREATE INDEX workshop_release_markers_by_release ON workshop_release_markers(release_id);
    CREATE INDEX workshop_release_markers_by_user ON workshop_release_markers(user_id)
        WHERE user_id IS NOT NULL;
    CREATE TRIGGER workshop_release_markers_forget_a_deleted_person BEFORE DELETE ON users
    BEGIN
        UPDATE workshop_release_markers SET user_id = NULL, choice = NULL
            WHERE user_id = OLD.user_id;
    END;
    -- the last reminder to those not finished: at most one every ten minutes
    ALTER TABLE workshops ADD COLUMN reminded_at TEXT;
    -- the steps a workshop agreed on (at most five)
    CREATE TABLE workshop_steps (
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
        what         TEXT NOT NULL,
        who          TEXT NOT NULL,
        due          TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (workshop_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE pending_inputs_6 (
        user_id      INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        awaited      TEXT NOT NULL
                     CHECK (awaited IN ('report_name', 'workshop_name', 'workshop_step')),
        run_id       INTEGER REFERENCES runs(id) ON DELETE SET NULL,  -- report_name
        workshop_id  INTEGER REFERENCES workshops(id) ON DELETE CASCADE,  -- workshop_step
        position     INTEGER CHECK (position BETWEEN 1 AND 5),          -- workshop_step
        since        TEXT NOT NULL,
        until        TEXT NOT NULL,
        CHECK ((awaited = 'workshop_step') = (workshop_id IS NOT NULL AND position IS NOT NULL))
    );
    INSERT INTO pending_inputs_6 (user_id, awaited, run_id, since, until)
        SELECT user_id, awaited, run_id, since, until FROM pending_inputs;
    DROP TABLE pending_inputs;
    ALTER TABLE pending_inputs_6 RENAME TO pending_inputs;
    """,
    # 7: the message that shows a person's one live statement, so a channel that
    # keeps old messages (Telegram) can take the buttons off it once the
    # statement is sent again: only one copy can be answered. A doubtful text
    # typed when the report's name was asked for, kept until confirmed. And the
    # suggestions a person chose as their next steps, kept with the run.
    """
    CREATE TABLE live_statements (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        message_id  INTEGER NOT NULL
    );
    -- A typed text that may or may not be the awaited name, until the person says.
    ALTER TABLE pending_inputs ADD COLUMN candidate TEXT;
    -- "Ihre nächsten Schritte": up to three suggestions a person chose for a run.
    CREATE TABLE priorities (
        run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        statement_id  TEXT NOT NULL,
        chosen_at     TEXT NOT NULL,
        PRIMARY KEY (run_id, statement_id)
    ) WITHOUT ROWID;
    """,
    # 8: people in the browser (negative user ids): the SHA-256 of the random
    # token in their cookie and continue link, never the token itself.
    """
    -- A Telegram coordinator may open a private link as well (positive user id).
    CREATE TABLE web_sessions (
        token_hash  BLOB PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX web_sessions_by_user ON web_sessions(user_id);
    """,
    # 9: an index behind every foreign key that is searched or that a deletion
    # follows. Without them deleting one person scanned runs, users,
    # workshop_participants and pending_inputs (17–21 ms at 100,000 runs), and a
    # person's finished runs were found by scanning runs. The retention job
    # searches by the expression it compares, so it no longer reads every person.
    """
    CREATE INDEX runs_by_user ON runs(user_id, status);
    CREATE INDEX users_by_current_run ON users(current_run);
    CREATE INDEX workshop_participants_by_user ON workshop_participants(user_id);
    CREATE INDEX pending_inputs_by_run ON pending_inputs(run_id);
    CREATE INDEX pending_inputs_by_workshop ON pending_inputs(workshop_id);
    DROP INDEX users_last_active;
    CREATE INDEX users_by_last_activity ON users(IFNULL(last_active_at, created_at));
    """,
    # 10: how each person is reached, stored with them instead of read from the sign
    # of their id: 'telegram' (their private chat, whose id is their user id) or
    # 'browser' (their page). Everybody so far is back-filled from that sign. The
    # default is Telegram's, whose people the flows meet first by their user id;
    # the browser (and any later channel) creates its people with their channel.
    # No CHECK, so that a later channel's name needs no rebuild of ``users``.
    """
    ALTER TABLE users ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
    UPDATE users SET channel = 'browser' WHERE user_id < 0;
    """,
    # 11: the administration's own view beside the room's. A coordinator's consent to show
    # their latest finished self-check as a reference column, with the answers they agreed
    # to show (the workshop's fields, as JSON statement id -> choice): a later run of theirs
    # does not change what they consented to. One per workshop; it goes with the workshop,
    # and with the person when they delete their data.
    """
    CREATE TABLE workshop_references (
        workshop_id   INTEGER PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
        user_id       INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        answers       TEXT NOT NULL,
        answered_on   TEXT NOT NULL,   -- the day the self-check was finished (ISO date)
        consented_at  TEXT NOT NULL
    );
    CREATE INDEX workshop_references_by_user ON workshop_references(user_id);
    """,
    # 12: the slide a workshop's projector shows now, so that the coordinator's phone can
    # move the wall on and the wall follows; one row per workshop, gone with it.
    """
    CREATE TABLE workshop_projector (
        workshop_id  INTEGER PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
        slide        TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    """,
    # 13: paper sheets typed in by a coordinator. Each sheet is one anonymous person of
    # the channel 'paper' (nobody can be reached there) who joined the workshop with the
    # perspective ticked on the sheet and finished a run with its answers, so it counts
    # exactly as a phone's answers do. The sheet's code is taken once per workshop: the
    # primary key refuses a second entry, also two at once. The sheet's person goes with
    # the workshop (trigger) and, like anybody, after the retention period. The typed
    # line of a sheet is one more pending input, for the perspective chosen before it
    # (the table is rebuilt: its CHECK names what may be awaited).
    """
    CREATE TABLE paper_sheets (
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        code         TEXT NOT NULL,               -- bot.domain.paper, without the hyphen
        user_id      INTEGER NOT NULL UNIQUE REFERENCES users(user_id) ON DELETE CASCADE,
        entered_at   TEXT NOT NULL,
        PRIMARY KEY (workshop_id, code)
    ) WITHOUT ROWID;
    CREATE TRIGGER paper_people_leave_with_their_workshop BEFORE DELETE ON workshops
    BEGIN
        DELETE FROM users WHERE user_id IN
            (SELECT user_id FROM paper_sheets WHERE workshop_id = OLD.id);
    END;
    CREATE TABLE pending_inputs_13 (
        user_id      INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        awaited      TEXT NOT NULL CHECK (awaited IN ('report_name', 'workshop_name',
                                                      'workshop_step', 'paper_sheet')),
        run_id       INTEGER REFERENCES runs(id) ON DELETE SET NULL,  -- report_name
        workshop_id  INTEGER REFERENCES workshops(id) ON DELETE CASCADE,  -- step, sheet
        position     INTEGER CHECK (position BETWEEN 1 AND 5),          -- workshop_step
        perspective  TEXT,                                             -- paper_sheet
        since        TEXT NOT NULL,
        until        TEXT NOT NULL,
        candidate    TEXT,
        CHECK ((awaited IN ('workshop_step', 'paper_sheet')) = (workshop_id IS NOT NULL)),
        CHECK ((awaited = 'workshop_step') = (position IS NOT NULL)),
        CHECK ((awaited = 'paper_sheet') = (perspective IS NOT NULL))
    );
    INSERT INTO pending_inputs_13 (user_id, awaited, run_id, workshop_id, position, since,
                                   until, candidate)
        SELECT user_id, awaited, run_id, workshop_id, position, since, until, candidate
        FROM pending_inputs;
    DROP TABLE pending_inputs;
    ALTER TABLE pending_inputs_13 RENAME TO pending_inputs;
    CREATE INDEX pending_inputs_by_run ON pending_inputs(run_id);
    CREATE INDEX pending_inputs_by_workshop ON pending_inputs(workshop_id);
    """,
    # 14: how a workshop shows its perspectives (bot.domain.perspectives.Grouping):
    # NULL, as every workshop so far, for each perspective on its own. A draft keeps
    # the grouping chosen so far and how many people the coordinator expects from
    # each perspective ("politik=5,bildung=2"), for the forecast of the shown groups.
    """
    ALTER TABLE workshops ADD COLUMN grouping TEXT;
    ALTER TABLE workshop_drafts ADD COLUMN grouping TEXT;
    ALTER TABLE workshop_drafts ADD COLUMN expected TEXT NOT NULL DEFAULT '';
    """,
    # 15: a browser session's resume code, the short form of its continue link for
    # typing on another device: the SHA-256 of the code, never the code itself. The
    # code follows from the session's token, so sessions from before have none until
    # their page first shows it. Searched by that hash (not unique: should two
    # sessions' codes ever be alike, neither is taken).
    """
    ALTER TABLE web_sessions ADD COLUMN code_hash BLOB;
    CREATE INDEX web_sessions_by_code ON web_sessions(code_hash);
    """,
    # 16: the language a person reads (a tag such as 'en' or 'de-x-ls'; NULL: not chosen,
    # their channel's wish decides), kept with them across sessions and devices; and the
    # language a workshop's projector speaks to the room. Read by the person's or the
    # workshop's key, which their primary keys already index.
    """
    ALTER TABLE users ADD COLUMN language TEXT;
    ALTER TABLE workshop_projector ADD COLUMN language TEXT;
    """,
)


def _statements(script: str) -> list[str]:
    """A script's statements one by one (a trigger's body stays whole).

    ``executescript`` would commit the surrounding transaction first, so the
    statements run one at a time inside it.
    """
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete statement in a migration: {current.strip()[:60]}")
    return statements


async def schema_version(connection: aiosqlite.Connection) -> int:
    rows = list(await connection.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0]) if rows else 0


async def migrate(connection: aiosqlite.Connection) -> None:
    """Bring the schema up to date in one transaction; refuse a newer one."""
    await connection.execute("BEGIN IMMEDIATE")
    try:
        version = await schema_version(connection)
        if version > len(MIGRATIONS):
            raise StorageError(
                f"Datenbankschema Version {version} ist neuer als diese Programmversion "
                f"({len(MIGRATIONS)})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {number}")
        await connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise
