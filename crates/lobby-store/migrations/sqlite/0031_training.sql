-- Training (培训, issue 19 item 4): sessions (topic, trainer, day, length)
-- held for the department or checked at a vendor (its own plan, the
-- cleaning assistant's duty), and each person's result.
-- Keep in step with ../postgres/0031_training.sql.
CREATE TABLE trainings (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    topic TEXT NOT NULL,
    trainer TEXT NOT NULL,
    held_on TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    vendor_id BIGINT REFERENCES vendors(id),
    vendor_headcount BIGINT,
    note TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX trainings_site ON trainings (site_id, held_on);
CREATE TABLE training_attendees (
    training_id BIGINT NOT NULL REFERENCES trainings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    result TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'absent')),
    score BIGINT CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (training_id, user_id)
);
CREATE INDEX training_attendees_user ON training_attendees (user_id);
