-- Reason: one heavy job per student and kind, shared by every process (SQLite's 0014). Times are
-- ISO text in the "C" collation, like every other time here, so they compare as on SQLite.
CREATE TABLE job_claims (
    student_id  bigint NOT NULL,
    kind        text NOT NULL,
    token       text NOT NULL,
    started_at  text COLLATE "C" NOT NULL,
    finished_at text COLLATE "C",
    PRIMARY KEY (student_id, kind)
);
