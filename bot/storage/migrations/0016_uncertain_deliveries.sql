-- A student's uncertain sends (claims that outlived the transport's idempotency window) are
-- read for each of their digests: a partial index holds only those few rows.
CREATE INDEX deliveries_uncertain ON deliveries (student_id, sent_at) WHERE outcome = 'uncertain';
