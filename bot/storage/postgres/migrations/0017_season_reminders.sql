-- Reason: the residency season's reminders as digest items: when the student checked in with a
-- letter's writer, and the state of the reminder to ask writers. (PostgreSQL form of SQLite's
-- 0017.)

ALTER TABLE letter_requests ADD COLUMN checked_on text COLLATE "C";
ALTER TABLE season_plans ADD COLUMN ask_done_on text COLLATE "C";
ALTER TABLE season_plans ADD COLUMN ask_snoozed_until text COLLATE "C";
