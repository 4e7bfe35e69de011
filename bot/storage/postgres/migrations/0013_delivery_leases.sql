-- Reason: a stale claim is retried under a lease (`leased_at`, taken with FOR UPDATE SKIP
-- LOCKED), so two processes never resend one claim. (PostgreSQL form of SQLite's 0013.)

ALTER TABLE deliveries ADD COLUMN leased_at text COLLATE "C";
