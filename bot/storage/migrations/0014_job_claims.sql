-- One heavy job per student and kind (/progress, export, import), shared by every process of
-- the bot (bot/core/flight.py): the slot is taken in one upsert, so two processes answering the
-- same student can't both start the same job. A row holds ids and times only; `finished_at` is
-- set when the job ended in a cooldown, NULL while it runs. Removed with the student's account.
CREATE TABLE job_claims (
    student_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    token       TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (student_id, kind)
) WITHOUT ROWID;
