-- A send the platform certainly never took (the connection was refused, it answered 429 to the
-- end) marks its claim `unsent`. The lease that takes the claim for a retry copies the mark to
-- `resend_safe` and clears it in the same UPDATE (SET reads the row as it was): a claim past
-- the transport's idempotency window is then resent instead of recorded as uncertain, and a
-- crash during that retry (which leaves `unsent` clear) is never taken for a certain failure.
ALTER TABLE deliveries ADD COLUMN unsent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN resend_safe INTEGER NOT NULL DEFAULT 0;
