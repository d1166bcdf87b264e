-- Tenant visits due (定期拜访, issue 19 item 2): every tenant is visited at
-- least every N months (per site); a visit's feedback may become a work
-- order in the same step, which the visit then names.
-- Keep in step with ../sqlite/0028_visits_due.sql.
ALTER TABLE sites ADD COLUMN visit_every_months BIGINT NOT NULL DEFAULT 3 CHECK (visit_every_months BETWEEN 1 AND 24);
ALTER TABLE tenant_visits ADD COLUMN ticket_id BIGINT REFERENCES tickets(id);
CREATE INDEX tenant_visits_site_tenant ON tenant_visits (site_id, tenant_id, visited_on);
