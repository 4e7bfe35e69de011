-- Reason: coaching state per student: the weekly networking goal and the last tip shown (so
-- /tip never repeats itself twice in a row).
-- Date: 2026-11-22

CREATE TABLE coach_state (
    student_id       INTEGER PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    last_tip         TEXT,
    goal_contacts    INTEGER,
    goal_follow_ups  INTEGER,
    goal_check_ins   INTEGER,
    updated_at       TEXT NOT NULL
);
