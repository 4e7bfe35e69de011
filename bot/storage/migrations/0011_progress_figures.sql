-- Reason: the progress figures (the goal line of every digest and `/due`, and `/progress`)
-- read every contact and every exchange of the student into Python: 110 ms of CPU per `/due`
-- at the 5,000-contact cap. They are now SQL counts (bot/storage/progress.py): per week over a
-- date window (new contacts by the day recorded, follow-ups by each contact's first outreach,
-- outreach and replies by the day they happened), and over the student's network (roles,
-- specialties, the follow-up and reply rates), each walking an index of the student's rows.
-- Three days per contact, kept by triggers whoever writes an exchange (as migration 0010 keeps
-- the due day), make a follow-up and a reply countable without reading the exchanges. The rules
-- stay defined in Python (bot/core/progress.py); tests/storage/test_progress_figures.py holds
-- the SQL equal to them over random sequences of writes.
-- Date: 2026-12-04

-- The first outreach (e-mailed, messaged, called, a meeting) to the contact: the exchange
-- progress.classify labels 'follow_up'.
ALTER TABLE contacts ADD COLUMN first_outreach_on TEXT;
-- The first e-mail or message, and the latest reply: the inputs of progress.reply_rate.
ALTER TABLE contacts ADD COLUMN first_written_on TEXT;
ALTER TABLE contacts ADD COLUMN last_replied_on TEXT;

CREATE VIEW contact_progress AS
SELECT c.id,
       (SELECT MIN(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind IN ('emailed', 'messaged', 'called', 'meeting'))
         AS first_outreach_on,
       (SELECT MIN(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind IN ('emailed', 'messaged')) AS first_written_on,
       (SELECT MAX(e.happened_on) FROM exchanges e
         WHERE e.contact_id = c.id AND e.kind = 'replied') AS last_replied_on
FROM contacts c;

CREATE TRIGGER exchanges_progress_insert AFTER INSERT ON exchanges BEGIN
  UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
         (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
            FROM contact_progress p WHERE p.id = NEW.contact_id)
   WHERE id = NEW.contact_id;
END;

CREATE TRIGGER exchanges_progress_delete AFTER DELETE ON exchanges BEGIN
  UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
         (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
            FROM contact_progress p WHERE p.id = OLD.contact_id)
   WHERE id = OLD.contact_id;
END;

CREATE TRIGGER exchanges_progress_update
AFTER UPDATE OF contact_id, kind, happened_on ON exchanges BEGIN
  UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
         (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
            FROM contact_progress p WHERE p.id = contacts.id)
   WHERE id IN (OLD.contact_id, NEW.contact_id);
END;

-- Backfill: every existing contact gets its days.
UPDATE contacts SET (first_outreach_on, first_written_on, last_replied_on) =
       (SELECT p.first_outreach_on, p.first_written_on, p.last_replied_on
          FROM contact_progress p WHERE p.id = contacts.id);

-- New contacts per week: the student's contacts by when they were recorded.
CREATE INDEX contacts_owner_created ON contacts (owner_id, created_at);
-- Follow-ups per week, and the follow-up rate (met_on beside it: read from the index alone).
CREATE INDEX contacts_owner_outreach ON contacts (owner_id, first_outreach_on, met_on);
-- The network by role, with how many of each were met on a known day.
CREATE INDEX contacts_owner_role ON contacts (owner_id, role, met_on);
-- The network by specialty, grouped in index order (and the specialty autocomplete's list).
CREATE INDEX contacts_owner_specialty ON contacts (owner_id, specialty);
-- The event autocomplete's list (/contact list event:), distinct in index order: it read every
-- row of the student's contacts (4 ms at the 5,000-contact cap).
CREATE INDEX contacts_owner_event ON contacts (owner_id, met_event);
-- The reply rate: people written to, and whether they replied since.
CREATE INDEX contacts_owner_written ON contacts (owner_id, first_written_on, last_replied_on)
  WHERE first_written_on IS NOT NULL;
-- Outreach and replies per week.
CREATE INDEX exchanges_owner_kind_day ON exchanges (owner_id, kind, happened_on);
