-- The daily digest (每日简报, issue 18 item 4): at a set hour in the site's
-- zone the supervisor and the project manager are sent yesterday's figures.
-- One row per site and day is the exactly-once marker: the job writes it
-- and the notifications in one transaction, and a second job (or server)
-- finds the day taken. And the tenant's own admin (item 1): an account of
-- a tenant that adds and removes the accounts of its company's staff.
-- Keep in step with ../postgres/0027_digests.sql.
ALTER TABLE sites ADD COLUMN digest_hour BIGINT NOT NULL DEFAULT 8 CHECK (digest_hour BETWEEN 0 AND 23);
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    day TEXT NOT NULL,
    figures TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, day)
);
ALTER TABLE users ADD COLUMN tenant_admin BIGINT NOT NULL DEFAULT 0 CHECK (tenant_admin IN (0, 1));
