-- Moving and goods-release permits (搬家/放行条): applied for by the desk or
-- the tenant, held when the tenant owes money past due until the project
-- manager overrides with a reason, checked once at the gate by its code.
-- Keep in step with ../postgres/0018_release_permits.sql.
CREATE TABLE release_permits (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('move', 'goods')),
    permit_date TEXT NOT NULL,
    window_from TEXT NOT NULL,
    window_to TEXT NOT NULL,
    items TEXT NOT NULL,
    vehicle TEXT,
    lift TEXT,
    code TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('held', 'valid', 'used', 'cancelled')),
    -- What was past due when it was applied for, in fen.
    arrears_fen BIGINT NOT NULL DEFAULT 0,
    override_reason TEXT,
    overridden_by_name TEXT,
    overridden_at BIGINT,
    used_at BIGINT,
    used_by_name TEXT,
    applied_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX release_permits_site_date ON release_permits (site_id, permit_date);
CREATE INDEX release_permits_tenant ON release_permits (tenant_id, permit_date);
