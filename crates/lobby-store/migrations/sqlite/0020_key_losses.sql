-- Lost keys (钥匙遗失): the copy's loan closed as lost, the loss recorded
-- with who had it, and the replacement charged to a tenant as a one-off
-- fee charge when someone pays for it. A replacement copy is cut, so the
-- key keeps its number of copies.
-- Keep in step with ../postgres/0020_key_losses.sql.
ALTER TABLE key_loans ADD COLUMN lost BIGINT NOT NULL DEFAULT 0 CHECK (lost IN (0, 1));
CREATE TABLE key_losses (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES keys(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    copy_no BIGINT NOT NULL,
    holder TEXT,
    note TEXT NOT NULL,
    tenant_id BIGINT REFERENCES tenants(id),
    charge_id BIGINT REFERENCES fee_charges(id),
    reported_by_name TEXT NOT NULL,
    reported_at BIGINT NOT NULL
);
CREATE INDEX key_losses_key ON key_losses (key_id, id);
