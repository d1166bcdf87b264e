-- Dunning (催缴): a site's steps (a reminder at 7 days past due, a notice at
-- 30, a final notice at 60 — editable) and every notice sent, with the debt
-- it was about. Keep in step with ../postgres/0015_dunning.sql.
CREATE TABLE dunning_steps (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    days_overdue BIGINT NOT NULL CHECK (days_overdue >= 1),
    name TEXT NOT NULL,
    UNIQUE (site_id, days_overdue)
);
CREATE TABLE dunning_notices (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    number TEXT NOT NULL,
    step_days BIGINT NOT NULL,
    step_name TEXT NOT NULL,
    balance_fen BIGINT NOT NULL,
    oldest_due_date TEXT NOT NULL,
    pay_by TEXT NOT NULL,
    sent_by BIGINT,
    sent_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, number)
);
CREATE INDEX dunning_notices_tenant ON dunning_notices (tenant_id, id);
