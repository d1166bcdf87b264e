-- lobby foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- same tables, same columns, same meaning. Flags are BIGINT 0/1 (sqlx's Any driver
-- cannot read SQLite BOOLEAN columns). Times are BIGINT microseconds since
-- the Unix epoch (UTC) in both engines; money is BIGINT 分; nothing is deleted
-- (rows are archived).

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    timezone TEXT NOT NULL,
    address TEXT,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE vendors (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    contact_person TEXT,
    phone TEXT,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL
);

CREATE TABLE buildings (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE floors (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    label TEXT NOT NULL,
    level BIGINT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (building_id, label)
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    floor_id BIGINT NOT NULL REFERENCES floors(id),
    number TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('vacant', 'occupied', 'renovating')),
    vacant_since BIGINT,
    note TEXT,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (site_id, number)
);
CREATE INDEX units_site_order ON units (site_id, sort_key, id);
CREATE INDEX units_site_status ON units (site_id, status, sort_key, id);

CREATE TABLE public_areas (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    building_id BIGINT REFERENCES buildings(id),
    floor_id BIGINT REFERENCES floors(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'person')),
    day_phone TEXT,
    contact_person TEXT,
    emergency_contact_name TEXT,
    emergency_contact_phone TEXT,
    email TEXT,
    note TEXT,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);
CREATE INDEX tenants_site_order ON tenants (site_id, name_initials, id);

CREATE TABLE occupancies (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    since BIGINT NOT NULL,
    until BIGINT
);
CREATE INDEX occupancies_tenant ON occupancies (tenant_id) WHERE until IS NULL;
CREATE UNIQUE INDEX occupancies_current_unit ON occupancies (unit_id) WHERE until IS NULL;

CREATE TABLE tenant_visits (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    visited_on TEXT NOT NULL,
    visitor_id BIGINT NOT NULL,
    met_with TEXT,
    feedback TEXT NOT NULL,
    follow_up TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX tenant_visits_tenant ON tenant_visits (tenant_id, visited_on);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    tenant_id BIGINT REFERENCES tenants(id),
    vendor_id BIGINT REFERENCES vendors(id),
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_shift_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- site_id NULL: the role holds at every site (the system admin).
CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    site_id BIGINT REFERENCES sites(id),
    role TEXT NOT NULL
);
CREATE INDEX user_roles_user ON user_roles (user_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);

CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    scope TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    site_id BIGINT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL DEFAULT 'in_app',
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    site_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Append-only: the database itself refuses edits and deletes; only a person
-- with the file in hand (or DDL rights) can change history, and verify sees it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
