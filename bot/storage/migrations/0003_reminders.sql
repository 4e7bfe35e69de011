-- Reason: weekly digests, one-off reminders and nudges. The database is the schedule: each
-- student's next digest time is a UTC column; every send is claimed in `deliveries` first
-- (unique per occurrence), which is what makes delivery exactly-once.
-- Date: 2026-11-22

ALTER TABLE students ADD COLUMN dm_channel_id INTEGER;      -- stored at opt-in: a digest is one request
ALTER TABLE students ADD COLUMN unreachable_since TEXT;     -- Discord 50007: DMs closed
ALTER TABLE students ADD COLUMN guild_id INTEGER;           -- server last used: its default timezone

ALTER TABLE contacts ADD COLUMN follow_up_on TEXT;          -- first follow-up day, spread out
ALTER TABLE contacts ADD COLUMN snoozed_until TEXT;         -- not due before this day

CREATE TABLE reminder_settings (
    student_id        INTEGER PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    enabled           INTEGER NOT NULL DEFAULT 1,
    paused            INTEGER NOT NULL DEFAULT 0,
    digest_weekday    INTEGER NOT NULL DEFAULT 6,            -- 0 = Monday … 6 = Sunday
    digest_hour       INTEGER NOT NULL DEFAULT 18,
    quiet_when_empty  INTEGER NOT NULL DEFAULT 0,
    cadence           TEXT NOT NULL DEFAULT '{}',            -- JSON: role → days
    next_digest_at    TEXT,                                  -- UTC; NULL while off or paused
    consented_at      TEXT NOT NULL
);
CREATE INDEX reminder_settings_due ON reminder_settings (next_digest_at)
    WHERE next_digest_at IS NOT NULL;

CREATE TABLE guild_settings (
    guild_id    INTEGER PRIMARY KEY,
    timezone    TEXT,
    updated_at  TEXT NOT NULL
);

CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    note        TEXT,
    due_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE done_at IS NULL;

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                                -- digest | reminder | nudge
    ref         TEXT NOT NULL,                                -- which occurrence
    due_at      TEXT NOT NULL,
    claimed_at  TEXT NOT NULL,
    sent_at     TEXT,
    message_id  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT,                                         -- sent | late | skipped | unreachable
    UNIQUE (kind, student_id, ref)
);
CREATE INDEX deliveries_unsent ON deliveries (claimed_at) WHERE sent_at IS NULL;
