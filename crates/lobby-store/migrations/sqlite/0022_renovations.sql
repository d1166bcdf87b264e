-- Renovation (装修申请): the application (contractor, workers, period,
-- scope), engineering's review with conditions, the project manager's
-- approval with the deposit taken, inspections during the works (a
-- violation notified to the tenant), the acceptance, and the deposit
-- released or kept in part. Drawings are files in the blob store.
-- Keep in step with ../postgres/0022_renovations.sql.
CREATE TABLE renovations (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    state TEXT NOT NULL CHECK (state IN ('applied', 'reviewed', 'approved', 'accepted', 'closed', 'rejected')),
    contractor TEXT NOT NULL,
    contractor_phone TEXT,
    workers BIGINT NOT NULL CHECK (workers >= 1),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    scope TEXT NOT NULL,
    conditions TEXT,
    reviewed_by_name TEXT,
    reviewed_at BIGINT,
    approved_by_name TEXT,
    approved_at BIGINT,
    deposit_fen BIGINT NOT NULL DEFAULT 0 CHECK (deposit_fen >= 0),
    deposit_receipt TEXT,
    rejected_reason TEXT,
    accepted_note TEXT,
    accepted_by_name TEXT,
    accepted_at BIGINT,
    kept_fen BIGINT NOT NULL DEFAULT 0 CHECK (kept_fen >= 0),
    kept_reason TEXT,
    closed_by_name TEXT,
    closed_at BIGINT,
    applied_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One renovation at a time per unit.
CREATE UNIQUE INDEX renovations_open_unit ON renovations (unit_id)
    WHERE state IN ('applied', 'reviewed', 'approved', 'accepted');
CREATE INDEX renovations_site ON renovations (site_id, id);
CREATE TABLE renovation_inspections (
    id INTEGER PRIMARY KEY,
    renovation_id BIGINT NOT NULL REFERENCES renovations(id),
    kind TEXT NOT NULL CHECK (kind IN ('routine', 'acceptance')),
    note TEXT NOT NULL,
    violation BIGINT NOT NULL DEFAULT 0 CHECK (violation IN (0, 1)),
    inspected_by_name TEXT NOT NULL,
    inspected_at BIGINT NOT NULL
);
CREATE INDEX renovation_inspections_renovation ON renovation_inspections (renovation_id, id);
CREATE TABLE renovation_files (
    id INTEGER PRIMARY KEY,
    renovation_id BIGINT NOT NULL REFERENCES renovations(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    blob TEXT NOT NULL,
    uploaded_by_name TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX renovation_files_renovation ON renovation_files (renovation_id, id);
