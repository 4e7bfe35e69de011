-- Reason: a student may use the bot from Discord and from Telegram as one record (issue 17).
-- `linked_accounts`: an account of another front end that acts as the student (`front_end` is
-- the adapter's own name for itself; the core never reads it). `delivers` = 1: digests and
-- reminders go to this account instead of the record's own. `link_codes`: the one-time codes
-- that make a link, stored as a hash (never the code), short-lived and used at most once.
-- Both go with the student's record (ON DELETE CASCADE), so /privacy delete takes them.
CREATE TABLE linked_accounts (
    front_end   TEXT NOT NULL,
    account_id  INTEGER NOT NULL,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    delivers    INTEGER NOT NULL DEFAULT 0,
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (front_end, account_id)
) WITHOUT ROWID;
CREATE INDEX linked_accounts_student ON linked_accounts (student_id);

CREATE TABLE link_codes (
    code_hash   TEXT PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    front_end   TEXT NOT NULL,
    account_id  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) WITHOUT ROWID;
CREATE INDEX link_codes_student ON link_codes (student_id);
