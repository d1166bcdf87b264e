-- Move-in and move-out (入驻/退租): one record per move, completed by
-- several people — the base (or final) meter readings it took, the
-- facility handover checklist walked item by item (a defect at a move-in
-- becomes a work order; a damage at a move-out is priced and billed as a
-- one-off charge), the key copies handed over or taken back, the tenant's
-- signature. Each site keeps its own checklist. A priced charge
-- (fee_charges.amount_fen) bills its own amount instead of the item's rate.
-- A checklist item may carry photos: the photos table takes the owner
-- 'move_item'.
-- Keep in step with ../postgres/0021_moves.sql.
CREATE TABLE handover_checklist (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (site_id, name)
);
CREATE TABLE moves (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    move_date TEXT NOT NULL,
    lease_end TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'cancelled')),
    note TEXT,
    signed_by TEXT,
    signed_at BIGINT,
    completed_at BIGINT,
    completed_by_name TEXT,
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One open move of each kind per unit.
CREATE UNIQUE INDEX moves_open_unit ON moves (unit_id, kind) WHERE state = 'open';
CREATE INDEX moves_site ON moves (site_id, move_date, id);
CREATE INDEX moves_tenant ON moves (tenant_id, id);
CREATE TABLE move_items (
    id INTEGER PRIMARY KEY,
    move_id BIGINT NOT NULL REFERENCES moves(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'ok', 'defect')),
    note TEXT,
    -- A damage's price at a move-out, in fen.
    charge_fen BIGINT NOT NULL DEFAULT 0 CHECK (charge_fen >= 0),
    ticket_id BIGINT REFERENCES tickets(id),
    fee_charge_id BIGINT REFERENCES fee_charges(id),
    checked_by_name TEXT,
    checked_at BIGINT,
    UNIQUE (move_id, name)
);
CREATE INDEX move_items_move ON move_items (move_id, position);
CREATE TABLE move_readings (
    move_id BIGINT NOT NULL REFERENCES moves(id),
    reading_id BIGINT NOT NULL REFERENCES meter_readings(id),
    PRIMARY KEY (move_id, reading_id)
);
CREATE TABLE move_keys (
    move_id BIGINT NOT NULL REFERENCES moves(id),
    key_id BIGINT NOT NULL REFERENCES keys(id),
    loan_id BIGINT NOT NULL REFERENCES key_loans(id),
    PRIMARY KEY (move_id, loan_id)
);
ALTER TABLE fee_charges ADD COLUMN amount_fen BIGINT CHECK (amount_fen IS NULL OR amount_fen >= 0);
-- SQLite cannot change a CHECK: the photos table is rebuilt with the same
-- rows and ids.
CREATE TABLE photos_new (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice', 'meter_reading', 'move_item')),
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
