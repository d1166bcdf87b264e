-- Tenant rule violations (违章处理): a site's kinds of breach (the rule, the
-- default deadline, the one-off fee item a fine is charged as), each
-- violation seen (the unit or place, the tenant, what was seen), and its
-- steps (the notices, the tenant's answer, the re-checks, the fine, the
-- escalation, the closing) as a history.
CREATE TABLE violation_kinds (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    rule TEXT,
    deadline_days BIGINT NOT NULL CHECK (deadline_days BETWEEN 1 AND 90),
    fine_fee_item_id BIGINT REFERENCES fee_items(id),
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);
CREATE TABLE violations (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    kind_id BIGINT NOT NULL REFERENCES violation_kinds(id),
    unit_id BIGINT REFERENCES units(id),
    location TEXT,
    tenant_id BIGINT REFERENCES tenants(id),
    description TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('recorded', 'noticed', 'answered', 'unfixed', 'escalated', 'fine_proposed', 'closed')),
    outcome TEXT CHECK (outcome IN ('fixed', 'fined', 'withdrawn')),
    deadline TEXT,
    notices BIGINT NOT NULL DEFAULT 0,
    fine_fen BIGINT NOT NULL DEFAULT 0 CHECK (fine_fen >= 0),
    charge_id BIGINT REFERENCES fee_charges(id),
    patrol_item_result_id BIGINT REFERENCES patrol_item_results(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 0,
    CHECK (unit_id IS NOT NULL OR location IS NOT NULL),
    CHECK ((state = 'closed') = (outcome IS NOT NULL))
);
CREATE INDEX violations_site ON violations (site_id, state, id);
CREATE INDEX violations_tenant ON violations (tenant_id, id);
CREATE INDEX violations_unit ON violations (unit_id, id);
CREATE TABLE violation_steps (
    id INTEGER PRIMARY KEY,
    violation_id BIGINT NOT NULL REFERENCES violations(id),
    action TEXT NOT NULL,
    fixed BIGINT CHECK (fixed IN (0, 1)),
    note TEXT,
    amount_fen BIGINT,
    deadline TEXT,
    by_name TEXT NOT NULL,
    by_user BIGINT,
    at BIGINT NOT NULL
);
CREATE INDEX violation_steps_of ON violation_steps (violation_id, id);

-- New photo owners: a violation as it was seen, and the tenant's answer.
-- SQLite cannot change a CHECK: the photos table is rebuilt with the same
-- rows and ids.
-- rebuild: the photos CHECK takes two new owners; every column is kept.
CREATE TABLE photos_new (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice', 'meter_reading', 'move_item', 'payment_notice', 'site_payee', 'violation', 'violation_reply')),
    owner_id BIGINT NOT NULL,
    blob TEXT NOT NULL,
    thumb_blob TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT,
    uploaded_at BIGINT NOT NULL,
    -- Work orders only: the moment of the work it shows, and the history
    -- entry it was recorded with.
    stage TEXT CHECK (stage IN ('before', 'during', 'after')),
    event_id BIGINT REFERENCES ticket_events(id),
    CHECK ((owner = 'ticket') = (stage IS NOT NULL))
);
INSERT INTO photos_new (id, owner, owner_id, blob, thumb_blob, content_type, size_bytes, width,
                        height, uploaded_by, uploaded_at, stage, event_id)
SELECT id, owner, owner_id, blob, thumb_blob, content_type, size_bytes, width, height,
       uploaded_by, uploaded_at, stage, event_id
FROM photos ORDER BY id;
DROP TABLE photos;
ALTER TABLE photos_new RENAME TO photos;
CREATE INDEX photos_owner ON photos (owner, owner_id, id);

-- A patrol finding that is a tenant's breach of the rules: recorded as a
-- violation of this kind when the round is finished, not as a work order.
ALTER TABLE patrol_item_results ADD COLUMN violation_kind_id BIGINT REFERENCES violation_kinds(id);
