-- Supplies (办公用品申购, issue 19 item 5): a requisition of items with
-- quantities and estimated prices, approved or rejected by the project
-- manager, then received with what it really cost; the month's cost by
-- department and category is what was received in it.
-- Keep in step with ../postgres/0030_supplies.sql.
CREATE TABLE requisitions (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    department TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('office', 'cleaning')),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'received')),
    note TEXT,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decision_note TEXT,
    received_at BIGINT,
    estimate_fen BIGINT NOT NULL,
    actual_fen BIGINT
);
CREATE INDEX requisitions_site ON requisitions (site_id, requested_at);
CREATE TABLE requisition_lines (
    id INTEGER PRIMARY KEY,
    requisition_id BIGINT NOT NULL REFERENCES requisitions(id),
    item TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL,
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0)
);
CREATE INDEX requisition_lines_req ON requisition_lines (requisition_id);
