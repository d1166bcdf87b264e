-- Photos belong to a moment of the work: as found (before), while working
-- (during), the finished repair (after); event_id is the history entry they
-- were recorded with (a photo entry, or the start / resolve they came with).
-- Keep in step with ../postgres/0007_photo_stage_complaints.sql.
ALTER TABLE ticket_photos ADD COLUMN stage TEXT NOT NULL DEFAULT 'during'
    CHECK (stage IN ('before', 'during', 'after'));
ALTER TABLE ticket_photos ADD COLUMN event_id BIGINT REFERENCES ticket_events(id);

-- The complaint record (投诉记录表) of a complaint work order: who complained
-- and when the call came, what was done and what came of it, and when the
-- result was reported to the project manager. The content is the ticket's
-- description; its history is the ticket's.
CREATE TABLE complaint_records (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    complainant TEXT,
    complainant_phone TEXT,
    received_at BIGINT NOT NULL,
    handling TEXT,
    result TEXT,
    reported_to_pm_at BIGINT,
    reported_to_pm_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
