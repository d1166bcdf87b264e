-- Fees and arrears (费用/催缴): fee items with dated rates, meters and their
-- readings, monthly statements with their lines, payments and what they paid,
-- and the fixed and one-off charges a tenant carries. Money is BIGINT 分;
-- a reading is BIGINT thousandths of its unit; no column holds a float.
-- Keep in step with ../postgres/0014_fees.sql.
CREATE TABLE fee_items (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('area', 'meter', 'fixed', 'one_off')),
    meter_kind TEXT CHECK (meter_kind IS NULL OR meter_kind IN ('electricity', 'water', 'gas', 'cooling')),
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);
-- A rate from a day on; statements copy the rate they used, so a new rate
-- never rewrites an issued statement.
CREATE TABLE fee_rates (
    id INTEGER PRIMARY KEY,
    fee_item_id BIGINT NOT NULL REFERENCES fee_items(id),
    effective_from TEXT NOT NULL,
    rate_fen BIGINT NOT NULL CHECK (rate_fen >= 0),
    tier_limit BIGINT,
    above_fen BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (fee_item_id, effective_from)
);
CREATE TABLE meters (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('electricity', 'water', 'gas', 'cooling')),
    serial TEXT NOT NULL,
    multiplier BIGINT NOT NULL DEFAULT 1 CHECK (multiplier >= 1),
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, serial)
);
CREATE INDEX meters_unit ON meters (unit_id);
CREATE TABLE meter_readings (
    id INTEGER PRIMARY KEY,
    meter_id BIGINT NOT NULL REFERENCES meters(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    reading_milli BIGINT NOT NULL CHECK (reading_milli >= 0),
    read_at BIGINT NOT NULL,
    replaced BIGINT NOT NULL DEFAULT 0 CHECK (replaced IN (0, 1)),
    flagged BIGINT NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    read_by BIGINT,
    read_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX meter_readings_meter ON meter_readings (meter_id, read_at, id);
-- A tenant's recurring (fixed: parking, storage) or once-billed (one_off)
-- charge; a one-off is billed by the first statement generated after it.
CREATE TABLE fee_charges (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    fee_item_id BIGINT NOT NULL REFERENCES fee_items(id),
    quantity BIGINT NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    note TEXT,
    ended BIGINT NOT NULL DEFAULT 0 CHECK (ended IN (0, 1)),
    billed_statement_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX fee_charges_tenant ON fee_charges (tenant_id);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    month TEXT NOT NULL,
    number TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'paid', 'void')),
    total_fen BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    issued_at BIGINT,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (site_id, tenant_id, month),
    UNIQUE (site_id, number)
);
CREATE INDEX statements_site_month ON statements (site_id, month, id);
CREATE INDEX statements_open ON statements (site_id, state, due_date);
CREATE TABLE statement_lines (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements(id),
    position BIGINT NOT NULL,
    fee_item_id BIGINT,
    unit_id BIGINT,
    label TEXT NOT NULL,
    quantity TEXT NOT NULL,
    rate_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL
);
CREATE INDEX statement_lines_statement ON statement_lines (statement_id, position);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    statement_id BIGINT REFERENCES statements(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    method TEXT NOT NULL,
    paid_at BIGINT NOT NULL,
    receipt_no TEXT NOT NULL,
    note TEXT,
    reversed_at BIGINT,
    reversal_reason TEXT,
    recorded_by BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, receipt_no)
);
CREATE INDEX payments_tenant ON payments (tenant_id, id);
-- What each payment paid of which statement; a payment's rest is credit.
CREATE TABLE payment_allocations (
    payment_id BIGINT NOT NULL REFERENCES payments(id),
    statement_id BIGINT NOT NULL REFERENCES statements(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (payment_id, statement_id)
);
CREATE INDEX payment_allocations_statement ON payment_allocations (statement_id);
