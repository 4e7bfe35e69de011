-- Which process sends proactive messages (bot/core/delivery.py): one row per lease, held by a
-- process until `expires_at` and renewed every tick; another process takes it only once it
-- has run out (the holder died) or was released (a clean shutdown deletes the row).
CREATE TABLE sender_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
