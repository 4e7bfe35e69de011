-- Reason: coaching state per student: the weekly networking goal and the last tip shown.
-- (PostgreSQL form of SQLite's 0004.)

CREATE TABLE coach_state (
    student_id       bigint PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    last_tip         text COLLATE "C",
    goal_contacts    bigint,
    goal_follow_ups  bigint,
    goal_check_ins   bigint,
    updated_at       text COLLATE "C" NOT NULL
);
