-- The key register (钥匙管理): keys per unit or public place with their
-- copies, and every loan of a copy (who, why, due back, returned).
-- Keep in step with ../postgres/0017_keys.sql.
CREATE TABLE keys (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    label TEXT NOT NULL,
    tag_no TEXT,
    unit_id BIGINT REFERENCES units(id),
    place TEXT,
    hook TEXT,
    copies BIGINT NOT NULL DEFAULT 1 CHECK (copies BETWEEN 1 AND 50),
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, label)
);
CREATE TABLE key_loans (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES keys(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    copy_no BIGINT NOT NULL,
    holder TEXT NOT NULL,
    purpose TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    due_back_at BIGINT NOT NULL,
    issued_by_name TEXT NOT NULL,
    returned_at BIGINT,
    returned_to_name TEXT,
    overdue_notified BIGINT NOT NULL DEFAULT 0 CHECK (overdue_notified IN (0, 1))
);
CREATE INDEX key_loans_key ON key_loans (key_id, id);
-- A copy is out to one holder at a time.
CREATE UNIQUE INDEX key_loans_out ON key_loans (key_id, copy_no) WHERE returned_at IS NULL;
CREATE INDEX key_loans_site_open ON key_loans (site_id, due_back_at) WHERE returned_at IS NULL;
