-- Where one person hands work to the next (issue 36). Expand only.
-- Keep in step with ../sqlite/0036_handoffs.sql.

-- A renovation applied for by a tenant with money past due is held, like a
-- release permit, until the project manager overrides with a reason. The
-- application stays 'applied'; it is held while held_at is set and
-- overridden_at is not.
ALTER TABLE renovations ADD COLUMN arrears_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE renovations ADD COLUMN held_at BIGINT;
ALTER TABLE renovations ADD COLUMN override_reason TEXT;
ALTER TABLE renovations ADD COLUMN overridden_by_name TEXT;
ALTER TABLE renovations ADD COLUMN overridden_at BIGINT;

-- Where a tenant pays (收款账户): each site's payee account, shown on bills,
-- statements and the dunning letter with the statement number as the
-- transfer's reference.
CREATE TABLE site_payees (
    site_id BIGINT PRIMARY KEY REFERENCES sites(id),
    account_name TEXT NOT NULL,
    bank TEXT NOT NULL,
    account_number TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
