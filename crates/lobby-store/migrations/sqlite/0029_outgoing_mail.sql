-- Outgoing mail (邮件发出, issue 19 item 3): letters and parcels the desk
-- sends for a tenant or the office — recipient, carrier, tracking number,
-- registered or not, and what it cost — beside the incoming parcels.
-- Keep in step with ../postgres/0029_outgoing_mail.sql.
CREATE TABLE outgoing_mail (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT REFERENCES tenants(id),
    recipient TEXT NOT NULL,
    address TEXT,
    carrier TEXT NOT NULL,
    tracking_no TEXT,
    registered BIGINT NOT NULL DEFAULT 0 CHECK (registered IN (0, 1)),
    cost_fen BIGINT NOT NULL CHECK (cost_fen >= 0),
    sent_at BIGINT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outgoing_mail_site ON outgoing_mail (site_id, sent_at);
