-- Going live from a department's own workbooks, and everything out again
-- (issue 37). Keep in step with ../postgres/0038_going_live.sql.
-- rebuild: deposits takes deposits held before lobby (kind 'opening', with
-- what they secure and the unit); every column is kept.

-- A lease's terms as the department's workbook has them: its end, the
-- monthly rent (a reference: rent is leasing's, not ours) and its deposit.
ALTER TABLE occupancies ADD COLUMN lease_to TEXT;
ALTER TABLE occupancies ADD COLUMN rent_fen BIGINT;
ALTER TABLE occupancies ADD COLUMN deposit_fen BIGINT;

-- A colleague's phone, and a vendor's monthly fee.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE vendors ADD COLUMN monthly_fee_fen BIGINT;

-- A statement brought in as an opening balance (期初欠费): what a tenant
-- owed before lobby, issued so ageing, dunning and permits see it.
ALTER TABLE statements ADD COLUMN opening BIGINT NOT NULL DEFAULT 0 CHECK (opening IN (0, 1));

CREATE TABLE deposits_new (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL CHECK (kind IN ('renovation', 'opening')),
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
    what TEXT,
    unit_id BIGINT REFERENCES units(id)
);
INSERT INTO deposits_new (id, site_id, tenant_id, kind, source_id, amount_fen, receipt_no, received_at,
    received_by_name, released_fen, kept_fen, kept_reason, settled_at, settled_by_name)
    SELECT id, site_id, tenant_id, kind, source_id, amount_fen, receipt_no, received_at,
    received_by_name, released_fen, kept_fen, kept_reason, settled_at, settled_by_name FROM deposits;
DROP TABLE deposits;
ALTER TABLE deposits_new RENAME TO deposits;
CREATE INDEX deposits_site ON deposits (site_id, tenant_id, id);
-- The fee series is this site's own: a deposit held before lobby keeps its
-- old receipt's number, whatever it looks like.
CREATE UNIQUE INDEX deposits_receipt ON deposits (site_id, receipt_no)
    WHERE receipt_no LIKE 'SK-%' AND kind <> 'opening';
-- A renovation has one deposit; deposits held before lobby have no source.
CREATE UNIQUE INDEX deposits_source ON deposits (kind, source_id) WHERE kind = 'renovation';

-- An upload of one or more workbooks: previewed, then confirmed whole or
-- left. The files are kept so the confirmation imports exactly what was
-- previewed, checked again against the records as they are then.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    created_by BIGINT REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The kinds the workbook holds, comma separated, and its preview (JSON).
    kinds TEXT NOT NULL,
    preview TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('previewed', 'confirmed')),
    confirmed_at BIGINT,
    confirmed_by_name TEXT
);
CREATE INDEX imports_site ON imports (site_id, id);
CREATE TABLE import_files (
    id INTEGER PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES imports(id),
    position BIGINT NOT NULL,
    file_name TEXT,
    body BLOB NOT NULL
);
CREATE INDEX import_files_import ON import_files (import_id, position);
