-- Patrols (巡视). Keep in step with ../postgres/0004_patrols.sql.

CREATE TABLE patrol_routes (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    department TEXT NOT NULL,
    -- "09:00-11:30, 14:00-17:00" in the site's zone.
    windows TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at BIGINT NOT NULL
);
CREATE INDEX patrol_routes_site ON patrol_routes (site_id);

CREATE TABLE patrol_checkpoints (
    id INTEGER PRIMARY KEY,
    route_id BIGINT NOT NULL REFERENCES patrol_routes(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    -- The secret in the checkpoint's QR code: opening it proves presence.
    token TEXT NOT NULL UNIQUE,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);
CREATE INDEX patrol_checkpoints_route ON patrol_checkpoints (route_id, position);

CREATE TABLE patrol_items (
    id INTEGER PRIMARY KEY,
    checkpoint_id BIGINT NOT NULL REFERENCES patrol_checkpoints(id),
    position BIGINT NOT NULL,
    category TEXT NOT NULL,
    instruction TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);
CREATE INDEX patrol_items_checkpoint ON patrol_items (checkpoint_id, position);

CREATE TABLE patrol_rounds (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    route_id BIGINT NOT NULL REFERENCES patrol_routes(id),
    walker_id BIGINT REFERENCES users(id),
    walker_name TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- Checkpoints recorded / on the route when it finished.
    checkpoints_done BIGINT NOT NULL DEFAULT 0,
    checkpoints_total BIGINT NOT NULL,
    findings BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX patrol_rounds_site ON patrol_rounds (site_id, id);
CREATE INDEX patrol_rounds_route ON patrol_rounds (route_id, started_at);

CREATE TABLE patrol_results (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES patrol_rounds(id),
    checkpoint_id BIGINT NOT NULL REFERENCES patrol_checkpoints(id),
    -- When the QR code was opened; NULL: recorded without a scan.
    scanned_at BIGINT,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    note TEXT,
    UNIQUE (round_id, checkpoint_id)
);

CREATE TABLE patrol_item_results (
    id INTEGER PRIMARY KEY,
    result_id BIGINT NOT NULL REFERENCES patrol_results(id),
    item_id BIGINT NOT NULL REFERENCES patrol_items(id),
    ok BIGINT NOT NULL CHECK (ok IN (0, 1)),
    note TEXT,
    -- The work order the finding became (or was added to).
    ticket_id BIGINT REFERENCES tickets(id),
    UNIQUE (result_id, item_id)
);
CREATE INDEX patrol_item_results_ticket ON patrol_item_results (ticket_id);

CREATE TABLE patrol_photos (
    id INTEGER PRIMARY KEY,
    result_id BIGINT NOT NULL REFERENCES patrol_results(id),
    blob TEXT NOT NULL,
    thumb_blob TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL
);

-- One row per window that ended without a round: "once per window".
CREATE TABLE patrol_missed (
    route_id BIGINT NOT NULL REFERENCES patrol_routes(id),
    day TEXT NOT NULL,
    window_label TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    desk_log_id BIGINT REFERENCES desk_log(id),
    PRIMARY KEY (route_id, day, window_label)
);

ALTER TABLE tickets ADD COLUMN patrol_round_id BIGINT REFERENCES patrol_rounds(id);
