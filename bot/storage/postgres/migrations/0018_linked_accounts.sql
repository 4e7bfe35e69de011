-- Reason: one student record used from Discord and Telegram (SQLite's 0018: the same tables,
-- columns and meanings). Times are ISO text in the "C" collation, as everywhere here.
CREATE TABLE linked_accounts (
    front_end   text COLLATE "C" NOT NULL,
    account_id  bigint NOT NULL,
    student_id  bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    delivers    integer NOT NULL DEFAULT 0,
    linked_at   text COLLATE "C" NOT NULL,
    PRIMARY KEY (front_end, account_id)
);
CREATE INDEX linked_accounts_student ON linked_accounts (student_id);

CREATE TABLE link_codes (
    code_hash   text COLLATE "C" PRIMARY KEY,
    student_id  bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    front_end   text COLLATE "C" NOT NULL,
    account_id  bigint NOT NULL,
    created_at  text COLLATE "C" NOT NULL,
    expires_at  text COLLATE "C" NOT NULL,
    used_at     text COLLATE "C"
);
CREATE INDEX link_codes_student ON link_codes (student_id);
