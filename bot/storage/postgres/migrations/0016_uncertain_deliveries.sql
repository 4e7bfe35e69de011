-- Reason: each digest reads the student's uncertain sends (SQLite's 0016).
CREATE INDEX deliveries_uncertain ON deliveries (student_id, sent_at) WHERE outcome = 'uncertain';
