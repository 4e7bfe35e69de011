-- Reason: events as records (a student's conferences, talks, rotations…) linked to the contacts
-- met there, and Discord scheduled events: the per-server switch and the endings still to act on.
-- Date: 2026-11-22

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,                                -- folded name, for matching
    kind        TEXT NOT NULL,
    held_on     TEXT NOT NULL,                                -- the student's calendar day
    created_at  TEXT NOT NULL
);
CREATE INDEX events_owner_name ON events (owner_id, name_key);

-- A contact can be linked to several events (met at one, seen again at another).
CREATE TABLE contact_events (
    owner_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, event_id)
);
CREATE INDEX contact_events_event ON contact_events (event_id);

-- Whether a server's admins want the "who did you meet?" DM after its scheduled events.
CREATE TABLE guild_event_settings (
    guild_id       INTEGER PRIMARY KEY,
    enabled        INTEGER NOT NULL,
    delay_minutes  INTEGER NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A scheduled event that ended in a server with the switch on; acted on once at notify_at.
CREATE TABLE scheduled_event_endings (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    event_id      INTEGER NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    ended_at      TEXT NOT NULL,
    notify_at     TEXT NOT NULL,
    processed_at  TEXT
);
CREATE INDEX scheduled_event_endings_due ON scheduled_event_endings (notify_at)
    WHERE processed_at IS NULL;
