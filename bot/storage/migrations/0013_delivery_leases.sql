-- A stale claim (its process died, or its send failed) is retried under a lease: `leased_at` is
-- when a process last took it for a retry, in the same UPDATE that checks nobody else has since
-- (compare-and-set), so two processes never resend one claim. `claimed_at` stays the first
-- claim's time: how old the first send may be, against the transport's idempotency window.
ALTER TABLE deliveries ADD COLUMN leased_at TEXT;
