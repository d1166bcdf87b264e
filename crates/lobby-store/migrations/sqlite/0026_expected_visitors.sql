-- Visitors a tenant registers ahead (访客预约, issue 18 item 1): the desk
-- sees them as expected and signs one in with one click, which makes the
-- visitor record. Keep in step with ../postgres/0026_expected_visitors.sql.
CREATE TABLE expected_visitors (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT REFERENCES units(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    expected_at BIGINT NOT NULL,
    note TEXT,
    registered_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    visitor_id BIGINT REFERENCES visitors(id),
    cancelled_at BIGINT
);
CREATE INDEX expected_visitors_site ON expected_visitors (site_id, expected_at);
CREATE INDEX expected_visitors_tenant ON expected_visitors (tenant_id, id);
