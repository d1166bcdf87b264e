-- Arrears sightings (欠费租户动向): a note that a tenant in arrears was seen
-- carrying goods out or the like (the manual: 注意其物品迁出 … 记录在工作日志内);
-- each is written to the desk log too and listed in the management log.
-- Keep in step with ../postgres/0016_arrears_sightings.sql.
CREATE TABLE arrears_sightings (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    note TEXT NOT NULL,
    balance_fen BIGINT NOT NULL,
    seen_by BIGINT,
    seen_by_name TEXT NOT NULL,
    log_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX arrears_sightings_site ON arrears_sightings (site_id, created_at);
CREATE INDEX arrears_sightings_tenant ON arrears_sightings (tenant_id, id);
