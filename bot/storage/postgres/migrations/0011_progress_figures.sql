-- Reason: the progress figures as SQL counts, with three days per contact kept by triggers
-- whoever writes an exchange (SQLite's 0011, where the reasons are told in full).

ALTER TABLE contacts ADD COLUMN first_outreach_on text COLLATE "C";
ALTER TABLE contacts ADD COLUMN first_written_on text COLLATE "C";
ALTER TABLE contacts ADD COLUMN last_replied_on text COLLATE "C";

CREATE VIEW contact_progress AS
SELECT c.id,
       (SELECT min(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind IN ('emailed', 'messaged', 'called', 'meeting'))
         AS first_outreach_on,
       (SELECT min(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind IN ('emailed', 'messaged')) AS first_written_on,
       (SELECT max(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind = 'replied') AS last_replied_on
FROM contacts c;

CREATE FUNCTION contact_progress_refresh(contact bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
         (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
            FROM contact_progress p WHERE p.id = contact)
   WHERE id = contact;
$$;

CREATE FUNCTION exchanges_progress_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM contact_progress_refresh(NEW.contact_id);
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.contact_id <> NEW.contact_id) THEN
    PERFORM contact_progress_refresh(OLD.contact_id);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER exchanges_progress_insert AFTER INSERT ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_progress_row();
CREATE TRIGGER exchanges_progress_delete AFTER DELETE ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_progress_row();
CREATE TRIGGER exchanges_progress_update
AFTER UPDATE OF contact_id, kind, happened_on ON exchanges
  FOR EACH ROW EXECUTE FUNCTION exchanges_progress_row();

-- Backfill: every existing contact gets its days.
UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
       (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
          FROM contact_progress p WHERE p.id = contacts.id);

CREATE INDEX contacts_owner_created ON contacts (owner_id, created_at);
CREATE INDEX contacts_owner_outreach ON contacts (owner_id, first_outreach_on, met_on);
CREATE INDEX contacts_owner_role ON contacts (owner_id, role, met_on);
CREATE INDEX contacts_owner_specialty ON contacts (owner_id, specialty);
CREATE INDEX contacts_owner_event ON contacts (owner_id, met_event);
CREATE INDEX contacts_owner_written ON contacts (owner_id, first_written_on, last_replied_on)
  WHERE first_written_on IS NOT NULL;
CREATE INDEX exchanges_owner_kind_day ON exchanges (owner_id, kind, happened_on);
