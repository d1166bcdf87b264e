-- Deposits held (押金): money a tenant leaves with the property against a
-- risk — a renovation's deposit taken at approval — with finance's receipt
-- number, and what was released and kept when it was settled. Not fee
-- income and not a payment: it never pays a statement.
-- Keep in step with ../postgres/0023_deposits.sql.
CREATE TABLE deposits (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL CHECK (kind IN ('renovation')),
    source_id BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    receipt_no TEXT,
    received_at BIGINT NOT NULL,
    received_by_name TEXT NOT NULL,
    released_fen BIGINT,
    kept_fen BIGINT,
    kept_reason TEXT,
    settled_at BIGINT,
    settled_by_name TEXT,
    UNIQUE (kind, source_id)
);
CREATE INDEX deposits_site ON deposits (site_id, tenant_id, id);
