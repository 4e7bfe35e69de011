-- Reason: the parts of each contact's name and the student's own greeting (SQLite's 0009).
-- The Python data step (bot/storage/postgres/database.py, DATA_STEPS) fills the parts of
-- existing rows in this migration's transaction.

ALTER TABLE contacts ADD COLUMN address_as text COLLATE "C";
ALTER TABLE contacts ADD COLUMN name_title text COLLATE "C";
ALTER TABLE contacts ADD COLUMN given_name text COLLATE "C";
ALTER TABLE contacts ADD COLUMN middle_names text COLLATE "C";
ALTER TABLE contacts ADD COLUMN family_name text COLLATE "C";
ALTER TABLE contacts ADD COLUMN name_suffix text COLLATE "C";
ALTER TABLE contacts ADD COLUMN post_nominals text COLLATE "C";
ALTER TABLE contacts ADD COLUMN person_key text COLLATE "C";
CREATE INDEX contacts_owner_person ON contacts (owner_id, person_key);
