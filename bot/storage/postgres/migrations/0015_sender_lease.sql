-- Reason: one process sends proactive messages at a time, chosen through this row (SQLite's
-- 0015). Times are ISO text in the "C" collation, as everywhere here.
CREATE TABLE sender_leases (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    expires_at text COLLATE "C" NOT NULL
);
