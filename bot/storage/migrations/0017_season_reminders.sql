-- Reason: the residency season's reminders as digest items (issue 16). A letter's check
-- reminder remembers when the student last checked in with the writer (its Done), and each
-- plan keeps the state of the reminder to ask writers for its cycle: done, or snoozed.
-- Date: 2026-12-05

ALTER TABLE letter_requests ADD COLUMN checked_on TEXT;         -- local day, ISO
ALTER TABLE season_plans ADD COLUMN ask_done_on TEXT;           -- local day, ISO
ALTER TABLE season_plans ADD COLUMN ask_snoozed_until TEXT;     -- local day, ISO
