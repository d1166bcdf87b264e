-- The monthly department report (部门总结, issue 19 item 1): the
-- supervisor's summary and next month's plan beside the month's figures;
-- the project manager's sign-off freezes the figures as they were and the
-- text, and nothing may change the row after (归档).
-- Keep in step with ../postgres/0032_department_reports.sql.
CREATE TABLE department_reports (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    month TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    written_by BIGINT REFERENCES users(id),
    written_at BIGINT,
    -- The figures as JSON, taken at the sign-off.
    figures TEXT,
    signed_by BIGINT REFERENCES users(id),
    signed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (site_id, month)
);
CREATE TRIGGER department_reports_signed BEFORE UPDATE ON department_reports
WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed department report cannot change');
END;
