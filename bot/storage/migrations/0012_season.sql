-- Reason: the residency season (issue 16). Each student's application plan (the cycle they
-- apply in, how, and for which specialties) and their letters-of-recommendation ledger: one
-- row per writer asked, its stage, the student's own deadline and programs. The reminders a
-- letter is owed are computed from these rows and the cycle's calendar (content, not data).
-- Date: 2026-12-05

CREATE TABLE season_plans (
    student_id       INTEGER PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    cycle            TEXT NOT NULL,                     -- a calendar key: us-2027
    route            TEXT NOT NULL,                     -- eras_nrmp, other_match, not_this_year
    graduation_year  INTEGER,
    specialties      TEXT NOT NULL DEFAULT '[]',        -- JSON list of strings
    updated_at       TEXT NOT NULL
);

CREATE TABLE letter_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id      INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    stage         TEXT NOT NULL,
    asked_on      TEXT NOT NULL,                        -- local day, ISO
    deadline      TEXT,                                 -- local day, ISO
    programs      TEXT,
    submitted_on  TEXT,
    snoozed_until TEXT,                                 -- its reminder not before this day
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (owner_id, contact_id)                       -- one letter per writer and student
);
CREATE INDEX letter_requests_owner ON letter_requests (owner_id, stage);

-- A residency interview is an event of kind 'interview' (its interviewers are the event's
-- people); this row adds what only an interview has: the program as drafts name it, and
-- whether the program asked for no contact after interviews (then no thank-you is offered).
CREATE TABLE interviews (
    event_id    INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    owner_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    program     TEXT NOT NULL,
    no_contact  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX interviews_owner ON interviews (owner_id);
