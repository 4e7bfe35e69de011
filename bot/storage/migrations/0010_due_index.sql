-- Reason: `/due`, the digest and `/contact list` recomputed the due rule (bot/core/attention.py,
-- due_on) over every contact of the student: 81 ms p50 and 90 ms of CPU per `/due` at the
-- 5,000-contact cap. The due day and kind are now stored on the contact and kept right by
-- triggers on every write that changes an input (the contact's own dates, role and cadence, an
-- exchange, the student's cadence settings), whoever writes: the repositories, a restore, a bulk
-- loader. Reads walk (owner_id, due_on) and stop at the page. The rule itself stays defined in
-- Python; the view below is its SQL form, held equal by a property test
-- (tests/storage/test_due_index.py) over random sequences of writes.
-- Date: 2026-12-04

ALTER TABLE contacts ADD COLUMN due_on TEXT;     -- ISO day; attention.due_on with the overrides
ALTER TABLE contacts ADD COLUMN due_kind TEXT;   -- 'follow_up' (never followed up) or 'check_in'

-- attention.due_on per contact. `fresh` is needs_follow_up; the recorded day is the UTC date of
-- created_at, as Contact.created_at.date() is; days are ISO text, so they compare as dates.
CREATE VIEW contact_due AS
SELECT y.id,
       max(y.base_on, coalesce(y.snoozed_until, '')) AS due_on,
       CASE WHEN y.fresh THEN 'follow_up' ELSE 'check_in' END AS due_kind
FROM (
  SELECT x.id, x.snoozed_until, x.fresh,
         CASE WHEN x.fresh
              THEN coalesce(x.follow_up_on, date(coalesce(x.met_on, x.recorded_on), '+2 days'))
              WHEN x.last_on IS NULL AND x.follow_up_on IS NOT NULL THEN x.follow_up_on
              ELSE date(coalesce(x.last_on, x.recorded_on), '+' || x.cadence || ' days')
         END AS base_on
  FROM (
    SELECT c.id, c.met_on, c.follow_up_on, c.snoozed_until,
           substr(c.created_at, 1, 10) AS recorded_on,
           (SELECT MAX(e.happened_on) FROM exchanges e WHERE e.contact_id = c.id) AS last_on,
           NOT EXISTS (SELECT 1 FROM exchanges e WHERE e.contact_id = c.id AND e.kind != 'met')
             AND (c.met_on IS NULL
                  OR c.met_on >= date(substr(c.created_at, 1, 10), '-14 days')) AS fresh,
           coalesce(
             nullif(c.cadence_days, 0),
             (SELECT json_extract(s.cadence, '$."' || c.role || '"')
                FROM reminder_settings s WHERE s.student_id = c.owner_id),
             CASE c.role
               WHEN 'peer_mentor' THEN 42 WHEN 'tutor' THEN 42
               WHEN 'faculty' THEN 91 WHEN 'researcher' THEN 91 WHEN 'resident' THEN 91
               WHEN 'fellow' THEN 91 WHEN 'attending' THEN 91 WHEN 'program_director' THEN 91
               ELSE 182
             END) AS cadence
    FROM contacts c
  ) AS x
) AS y;

CREATE TRIGGER contacts_due_insert AFTER INSERT ON contacts BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = NEW.id)
   WHERE id = NEW.id;
END;

CREATE TRIGGER contacts_due_update
AFTER UPDATE OF owner_id, role, met_on, created_at, follow_up_on, snoozed_until, cadence_days
ON contacts BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = NEW.id)
   WHERE id = NEW.id;
END;

CREATE TRIGGER exchanges_due_insert AFTER INSERT ON exchanges BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = NEW.contact_id)
   WHERE id = NEW.contact_id;
END;

CREATE TRIGGER exchanges_due_delete AFTER DELETE ON exchanges BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = OLD.contact_id)
   WHERE id = OLD.contact_id;
END;

CREATE TRIGGER exchanges_due_update AFTER UPDATE OF contact_id, kind, happened_on ON exchanges
BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contacts.id)
   WHERE id IN (OLD.contact_id, NEW.contact_id);
END;

-- The student's cadence per role: every one of their contacts may move.
CREATE TRIGGER settings_due_insert AFTER INSERT ON reminder_settings BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contacts.id)
   WHERE owner_id = NEW.student_id;
END;

CREATE TRIGGER settings_due_update AFTER UPDATE OF cadence ON reminder_settings
WHEN OLD.cadence IS NOT NEW.cadence BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contacts.id)
   WHERE owner_id = NEW.student_id;
END;

CREATE TRIGGER settings_due_delete AFTER DELETE ON reminder_settings BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contacts.id)
   WHERE owner_id = OLD.student_id;
END;

-- Backfill: every existing contact gets its due day.
UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                          WHERE d.id = contacts.id);

-- The order of /due and /contact list: most due first, ties by folded name, then id.
CREATE INDEX contacts_owner_due ON contacts (owner_id, due_on, name_key, id);
