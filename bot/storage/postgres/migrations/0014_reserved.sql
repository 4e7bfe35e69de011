-- Reason: RESERVED (PostgreSQL form of SQLite's 0014): an empty placeholder that keeps this
-- branch's numbers without gaps. Delete it at merge, keeping the other branch's 0014.
SELECT 1;  -- a statement: PostgreSQL refuses a migration of comments alone
