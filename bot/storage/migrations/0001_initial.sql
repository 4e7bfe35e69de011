-- Reason: students, their contacts, exchanges with them, and short-lived button state.
-- Date: 2026-11-22
-- Times are ISO-8601 UTC text; calendar days (met_on, happened_on) are ISO dates in the
-- student's own timezone. *_key columns hold case- and accent-folded text for matching.

CREATE TABLE students (
    id            INTEGER PRIMARY KEY,          -- the Discord user id
    timezone      TEXT,
    welcomed_at   TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id         INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    role             TEXT NOT NULL,
    title            TEXT,
    specialty        TEXT,
    specialty_key    TEXT,
    institution      TEXT,
    met_event        TEXT,
    event_key        TEXT,
    met_on           TEXT,
    email            TEXT,
    email_key        TEXT,
    profile_url      TEXT,
    notes            TEXT,
    tags             TEXT NOT NULL DEFAULT '[]',  -- JSON array, in the student's order
    tags_key         TEXT NOT NULL DEFAULT ',',   -- ",tag1,tag2," for exact tag matches
    search_key       TEXT NOT NULL,
    discord_user_id  INTEGER,
    cadence_days     INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX contacts_owner_name ON contacts (owner_id, name_key);
CREATE INDEX contacts_owner_email ON contacts (owner_id, email_key) WHERE email_key IS NOT NULL;

CREATE TABLE exchanges (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id     INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    contact_id   INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    happened_on  TEXT NOT NULL,
    note         TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX exchanges_contact ON exchanges (contact_id, happened_on);

CREATE TABLE pending_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX pending_actions_expiry ON pending_actions (expires_at);
