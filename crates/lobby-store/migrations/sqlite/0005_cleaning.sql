-- Cleaning, greening and pest control (保洁/绿化/虫控). Keep in step with ../postgres/0005_cleaning.sql.

ALTER TABLE vendors ADD COLUMN contract_start TEXT;
ALTER TABLE vendors ADD COLUMN contract_end TEXT;
ALTER TABLE vendors ADD COLUMN scope TEXT;
-- Agreed staff per shift (contract).
ALTER TABLE vendors ADD COLUMN headcount BIGINT NOT NULL DEFAULT 0;
-- The secret in the vendor's calendar (.ics) feed URL.
ALTER TABLE vendors ADD COLUMN feed_token TEXT;

-- A plan version: an edit closes the old version (valid_until) and starts a
-- new one, so days already past keep what was planned for them.
CREATE TABLE cleaning_plans (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    area TEXT NOT NULL,
    task TEXT NOT NULL,
    frequency TEXT NOT NULL,
    times_per_day BIGINT NOT NULL DEFAULT 1,
    weekdays TEXT NOT NULL DEFAULT '',
    day_of_month BIGINT NOT NULL DEFAULT 0,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    replaces_id BIGINT REFERENCES cleaning_plans(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX cleaning_plans_site ON cleaning_plans (site_id, vendor_id);

CREATE TABLE cleaning_tasks (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    plan_id BIGINT NOT NULL REFERENCES cleaning_plans(id),
    day TEXT NOT NULL,
    seq BIGINT NOT NULL,
    area TEXT NOT NULL,
    task TEXT NOT NULL,
    done_at BIGINT,
    done_by TEXT,
    photo TEXT,
    UNIQUE (plan_id, day, seq)
);
CREATE INDEX cleaning_tasks_day ON cleaning_tasks (site_id, day);
CREATE INDEX cleaning_tasks_vendor ON cleaning_tasks (vendor_id, day);

CREATE TABLE vendor_headcounts (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    day TEXT NOT NULL,
    headcount BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    reported_by TEXT NOT NULL,
    UNIQUE (vendor_id, day)
);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    task_id BIGINT REFERENCES cleaning_tasks(id),
    area TEXT NOT NULL,
    passed BIGINT NOT NULL CHECK (passed IN (0, 1)),
    score BIGINT NOT NULL,
    note TEXT,
    at BIGINT NOT NULL,
    by_name TEXT NOT NULL
);
CREATE INDEX inspections_site ON inspections (site_id, id);

CREATE TABLE rectification_notices (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    number TEXT NOT NULL,
    inspection_id BIGINT REFERENCES inspections(id),
    ticket_id BIGINT REFERENCES tickets(id),
    problem TEXT NOT NULL,
    location TEXT NOT NULL,
    deadline_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL,
    acknowledged_at BIGINT,
    fixed_at BIGINT,
    closed_at BIGINT,
    overdue_notified_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (site_id, number)
);
CREATE INDEX notices_site ON rectification_notices (site_id, id);
CREATE INDEX notices_vendor ON rectification_notices (vendor_id, id);

CREATE TABLE notice_events (
    id INTEGER PRIMARY KEY,
    notice_id BIGINT NOT NULL REFERENCES rectification_notices(id),
    at BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT
);
CREATE INDEX notice_events_notice ON notice_events (notice_id, id);

-- Photos of inspections and notices (blobs in the blob store).
CREATE TABLE cleaning_photos (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    blob TEXT NOT NULL,
    thumb_blob TEXT NOT NULL,
    content_type TEXT NOT NULL
);
CREATE INDEX cleaning_photos_owner ON cleaning_photos (owner, owner_id);

CREATE TABLE eval_criteria (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    UNIQUE (site_id, code)
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT NOT NULL REFERENCES vendors(id),
    month TEXT NOT NULL,
    -- Tenths of a point, 0–1000.
    total BIGINT NOT NULL,
    figures TEXT NOT NULL,
    note TEXT,
    by_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (vendor_id, month)
);

CREATE TABLE evaluation_scores (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL,
    prefilled BIGINT NOT NULL,
    score BIGINT NOT NULL,
    PRIMARY KEY (evaluation_id, code)
);

-- Quality checks of low-value consumables and plant displays (绿植租摆).
CREATE TABLE quality_checks (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    vendor_id BIGINT REFERENCES vendors(id),
    kind TEXT NOT NULL CHECK (kind IN ('consumable', 'plant')),
    subject TEXT NOT NULL,
    supplier TEXT,
    passed BIGINT NOT NULL CHECK (passed IN (0, 1)),
    replaced BIGINT NOT NULL DEFAULT 0 CHECK (replaced IN (0, 1)),
    note TEXT,
    at BIGINT NOT NULL,
    by_name TEXT NOT NULL
);
CREATE INDEX quality_checks_site ON quality_checks (site_id, id);
