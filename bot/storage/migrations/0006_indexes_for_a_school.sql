-- Reason: query plans on a school of 10,000 students × 50 contacts (bench/interactions.py)
-- showed whole-table scans behind every contact read and every /due:
-- * each contact row's "awaiting a reply since" subquery looked drafts up by contact, which
--   drafts_owner_contact (owner first) cannot serve: a scan of all drafts per contact row;
-- * the week's activity and the export read a student's exchanges by owner: a scan of all
--   exchanges;
-- * a student's open reminders were found through the school-wide due_at index;
-- * the per-contact count of follow-ups and the "replied since" check filter exchanges by
--   kind, which exchanges_contact (contact, day) leaves to a table look-up per exchange.
-- Date: 2026-12-01

CREATE INDEX drafts_contact_sent ON drafts (contact_id, sent_at);
CREATE INDEX exchanges_owner_day ON exchanges (owner_id, happened_on);
CREATE INDEX exchanges_contact_kind ON exchanges (contact_id, kind, happened_on);
CREATE INDEX reminders_owner_due ON reminders (owner_id, due_at) WHERE done_at IS NULL;
