-- Reason: names are parsed once (bot/core/names.py) and their parts stored, so greetings and
-- duplicate detection work on given and family name: "Dr. Helen Marsh" and "Helen Marsh, MD"
-- share person_key "helen marsh". address_as is the student's own choice of greeting.
-- SQL cannot parse a name: the Python data step bot/storage/name_backfill.py fills the parts
-- of existing rows in this migration's transaction (database.DATA_STEPS).
-- Date: 2026-12-04

ALTER TABLE contacts ADD COLUMN address_as TEXT;
ALTER TABLE contacts ADD COLUMN name_title TEXT;
ALTER TABLE contacts ADD COLUMN given_name TEXT;
ALTER TABLE contacts ADD COLUMN middle_names TEXT;
ALTER TABLE contacts ADD COLUMN family_name TEXT;
ALTER TABLE contacts ADD COLUMN name_suffix TEXT;
ALTER TABLE contacts ADD COLUMN post_nominals TEXT;
ALTER TABLE contacts ADD COLUMN person_key TEXT;
CREATE INDEX contacts_owner_person ON contacts (owner_id, person_key);
