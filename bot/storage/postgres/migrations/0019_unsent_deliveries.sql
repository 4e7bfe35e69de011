-- Reason: a send the platform certainly never took is resent, not recorded as uncertain; the
-- lease copies `unsent` to `resend_safe` and clears it in one UPDATE. (PostgreSQL form of
-- SQLite's 0019.)

ALTER TABLE deliveries ADD COLUMN unsent integer NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN resend_safe integer NOT NULL DEFAULT 0;
