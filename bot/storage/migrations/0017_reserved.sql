-- Reserved: main's 0017 (the season's reminders) lands with the coordinator's merge and
-- replaces this file; it exists only so that this branch's 0018 has no gap below it.
SELECT 1;
