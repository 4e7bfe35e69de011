-- Reason: the due day and kind stored on each contact and kept right by triggers on every write
-- that changes an input, whoever writes (SQLite's 0010, where the reasons are told in full).
-- The view is the SQL form of bot/core/attention.py's due_on, the same expression as SQLite's
-- in PostgreSQL's words: days are ISO text, so date arithmetic casts to date and formats back
-- with to_char (not ::text, which follows the session's DateStyle). The triggers are plpgsql
-- functions, one per kind of write, with the SQLite triggers' names.

ALTER TABLE contacts ADD COLUMN due_on text COLLATE "C";     -- ISO day
ALTER TABLE contacts ADD COLUMN due_kind text COLLATE "C";   -- 'follow_up' or 'check_in'

CREATE VIEW contact_due AS
SELECT y.id,
       greatest(y.base_on, coalesce(y.snoozed_until, '')) AS due_on,
       CASE WHEN y.fresh THEN 'follow_up' ELSE 'check_in' END AS due_kind
FROM (
  SELECT x.id, x.snoozed_until, x.fresh,
         CASE WHEN x.fresh
              THEN coalesce(x.follow_up_on,
                            to_char(coalesce(x.met_on, x.recorded_on)::date + 2, 'YYYY-MM-DD'))
              WHEN x.last_on IS NULL AND x.follow_up_on IS NOT NULL THEN x.follow_up_on
              ELSE to_char(coalesce(x.last_on, x.recorded_on)::date + x.cadence::integer,
                           'YYYY-MM-DD')
         END COLLATE "C" AS base_on
  FROM (
    SELECT c.id, c.met_on, c.follow_up_on, c.snoozed_until,
           substr(c.created_at, 1, 10) AS recorded_on,
           (SELECT max(e.happened_on) FROM exchanges e WHERE e.contact_id = c.id) AS last_on,
           NOT EXISTS (SELECT 1 FROM exchanges e WHERE e.contact_id = c.id AND e.kind <> 'met')
             AND (c.met_on IS NULL
                  OR c.met_on >= to_char(substr(c.created_at, 1, 10)::date - 14, 'YYYY-MM-DD'))
             AS fresh,
           coalesce(
             nullif(c.cadence_days, 0),
             (SELECT (s.cadence::jsonb ->> c.role)::numeric::bigint
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

-- One contact's day from the view.
CREATE FUNCTION contact_due_refresh(contact bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contact)
   WHERE id = contact;
$$;

CREATE FUNCTION contacts_due_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM contact_due_refresh(NEW.id);
  RETURN NULL;
END;
$$;

CREATE TRIGGER contacts_due_insert AFTER INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_due_row();

CREATE TRIGGER contacts_due_update
AFTER UPDATE OF owner_id, role, met_on, created_at, follow_up_on, snoozed_until, cadence_days
ON contacts FOR EACH ROW EXECUTE FUNCTION contacts_due_row();

-- An exchange moves its contact's day (both contacts', when it moves between them).
CREATE FUNCTION exchanges_due_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM contact_due_refresh(NEW.contact_id);
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.contact_id <> NEW.contact_id) THEN
    PERFORM contact_due_refresh(OLD.contact_id);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER exchanges_due_insert AFTER INSERT ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_due_row();
CREATE TRIGGER exchanges_due_delete AFTER DELETE ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_due_row();
CREATE TRIGGER exchanges_due_update AFTER UPDATE OF contact_id, kind, happened_on ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_due_row();

-- The student's cadence per role: every one of their contacts may move.
CREATE FUNCTION settings_due_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  student bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.student_id ELSE NEW.student_id END;
BEGIN
  UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                            WHERE d.id = contacts.id)
   WHERE owner_id = student;
  RETURN NULL;
END;
$$;

CREATE TRIGGER settings_due_insert AFTER INSERT ON reminder_settings
  FOR EACH ROW EXECUTE FUNCTION settings_due_rows();
CREATE TRIGGER settings_due_update AFTER UPDATE OF cadence ON reminder_settings
  FOR EACH ROW WHEN (OLD.cadence IS DISTINCT FROM NEW.cadence)
  EXECUTE FUNCTION settings_due_rows();
CREATE TRIGGER settings_due_delete AFTER DELETE ON reminder_settings
  FOR EACH ROW EXECUTE FUNCTION settings_due_rows();

-- Backfill: every existing contact gets its due day.
UPDATE contacts SET (due_on, due_kind) = (SELECT d.due_on, d.due_kind FROM contact_due d
                                          WHERE d.id = contacts.id);

-- The order of /due and /contact list: most due first, ties by folded name, then id.
CREATE INDEX contacts_owner_due ON contacts (owner_id, due_on, name_key, id);
