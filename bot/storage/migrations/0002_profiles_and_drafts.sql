-- Reason: the student's profile (used by every draft) and the drafts they generate, with the
-- time each was sent and when its polite nudge falls due.
-- Date: 2026-11-22

CREATE TABLE profiles (
    student_id            INTEGER PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    school                TEXT NOT NULL,
    stage                 TEXT NOT NULL,
    interests             TEXT,
    pitch                 TEXT,
    signoff               TEXT,
    contact_line          TEXT,
    follow_up_delay_days  INTEGER NOT NULL DEFAULT 7,
    updated_at            TEXT NOT NULL
);

CREATE TABLE drafts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id      INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    template_id   TEXT NOT NULL,
    channel       TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    fields        TEXT NOT NULL DEFAULT '{}',   -- JSON: event, discussed, ask, topic, …
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    nudge_due_at  TEXT                          -- UTC; the reminders tick delivers it
);
CREATE INDEX drafts_owner_contact ON drafts (owner_id, contact_id);
CREATE INDEX drafts_nudge_due ON drafts (nudge_due_at) WHERE nudge_due_at IS NOT NULL;
