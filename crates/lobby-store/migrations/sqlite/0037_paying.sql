-- A move-in the desk can finish, and a tenant who can pay (issue 36).
-- Expand only. Keep in step with ../postgres/0037_paying.sql.

-- When engineering was last told a move's meters wait for their readings.
ALTER TABLE moves ADD COLUMN readings_told_at BIGINT;

-- The customer-service desk's phone (客服中心电话): printed on the dunning
-- letter and the statement for the tenant to call.
ALTER TABLE sites ADD COLUMN phone TEXT;

-- Which department a patrol finding of each category goes to, when a site
-- differs from the default (clean → cleaning, safety → security,
-- engineering → engineering, other → customer service).
CREATE TABLE patrol_category_departments (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    category TEXT NOT NULL,
    department TEXT NOT NULL,
    PRIMARY KEY (site_id, category)
);

-- A deposit is receipted from the fee module's own series (SK-YYYY-nnnnn,
-- shared with payments), no longer a number typed in.
CREATE UNIQUE INDEX deposits_receipt ON deposits (site_id, receipt_no) WHERE receipt_no LIKE 'SK-%';

-- The project manager's comment when signing the month's report off.
ALTER TABLE department_reports ADD COLUMN sign_comment TEXT;

-- A visitor registered ahead has a pass: a code (and its QR) the tenant
-- forwards and the desk scans or types to sign the visitor in.
ALTER TABLE expected_visitors ADD COLUMN pass_code TEXT;
CREATE UNIQUE INDEX expected_visitors_pass ON expected_visitors (site_id, pass_code);

-- A one-time link to set a password (a company's admin sends it to a
-- colleague; nobody else sees the password): only the token's sha256 is
-- kept; it works once, until it expires.
CREATE TABLE password_links (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_links_user ON password_links (user_id);

-- A tenant's 我已付款: it says it transferred an amount for a statement,
-- with the transfer slip's photo; finance matches it to a payment (or the
-- bank import does), or declines it with a reason.
CREATE TABLE payment_notices (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    statement_id BIGINT NOT NULL REFERENCES statements(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on TEXT NOT NULL,
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'matched', 'declined')),
    payment_id BIGINT REFERENCES payments(id),
    decline_reason TEXT,
    decided_by_name TEXT,
    decided_at BIGINT,
    created_by BIGINT,
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX payment_notices_site ON payment_notices (site_id, state, id);
CREATE INDEX payment_notices_tenant ON payment_notices (tenant_id, state, id);

-- New photo owners: the transfer slip of a payment notice, and a site's
-- collection QR code (收款码). SQLite cannot change a CHECK: the photos
-- table is rebuilt with the same rows and ids.
-- rebuild: the photos CHECK takes two new owners; every column is kept.
CREATE TABLE photos_new (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice', 'meter_reading', 'move_item', 'payment_notice', 'site_payee')),
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
