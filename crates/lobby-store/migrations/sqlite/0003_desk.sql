-- The front desk and the shift (前台). Keep in step with ../postgres/0003_desk.sql.

-- 前台日常事项记录本: never edited; a correction is a new entry (corrects_id).
CREATE TABLE desk_log (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    at BIGINT NOT NULL,
    author_id BIGINT,
    author_name TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    needs_follow_up BIGINT NOT NULL DEFAULT 0 CHECK (needs_follow_up IN (0, 1)),
    follow_up TEXT NOT NULL DEFAULT 'none',
    ticket_id BIGINT REFERENCES tickets(id),
    corrects_id BIGINT REFERENCES desk_log(id),
    closed_note TEXT,
    closed_by_name TEXT,
    closed_at BIGINT
);
CREATE INDEX desk_log_site ON desk_log (site_id, id);
CREATE INDEX desk_log_follow_up ON desk_log (site_id, follow_up);

CREATE TABLE desk_log_acks (
    entry_id BIGINT NOT NULL REFERENCES desk_log(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    user_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);

-- 交接班: a snapshot of what the next person on duty takes over.
CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    from_user_id BIGINT NOT NULL REFERENCES users(id),
    from_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    summary TEXT NOT NULL,
    note TEXT,
    to_user_id BIGINT REFERENCES users(id),
    to_name TEXT,
    confirmed_at BIGINT
);
CREATE INDEX handovers_site ON handovers (site_id, id);

-- 来访
CREATE TABLE visitors (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    id_or_phone TEXT NOT NULL,
    host TEXT,
    unit_id BIGINT REFERENCES units(id),
    tenant_id BIGINT REFERENCES tenants(id),
    purpose TEXT NOT NULL,
    expected_mins BIGINT,
    in_at BIGINT NOT NULL,
    out_at BIGINT,
    registered_by TEXT NOT NULL,
    signed_out_by TEXT
);
CREATE INDEX visitors_site ON visitors (site_id, id);
CREATE INDEX visitors_inside ON visitors (site_id, out_at);

-- 邮件: the pickup code is shown to the tenant and checked once.
CREATE TABLE parcels (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    carrier TEXT NOT NULL,
    tracking_no TEXT,
    addressee TEXT,
    tenant_id BIGINT REFERENCES tenants(id),
    unit_id BIGINT REFERENCES units(id),
    registered_mail BIGINT NOT NULL DEFAULT 0 CHECK (registered_mail IN (0, 1)),
    photo TEXT,
    code TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    received_by TEXT NOT NULL,
    picked_up_at BIGINT,
    collected_by TEXT,
    handed_by TEXT
);
CREATE INDEX parcels_site ON parcels (site_id, id);
CREATE INDEX parcels_waiting ON parcels (site_id, picked_up_at);
CREATE INDEX parcels_tenant ON parcels (tenant_id, id);

-- 紧急事件
CREATE TABLE incident_types (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    departments TEXT NOT NULL,
    checklist TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    UNIQUE (site_id, code)
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    type_id BIGINT NOT NULL REFERENCES incident_types(id),
    location TEXT NOT NULL,
    description TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT,
    summary TEXT
);
CREATE INDEX incidents_site ON incidents (site_id, id);

CREATE TABLE incident_steps (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    done_at BIGINT,
    done_by TEXT,
    UNIQUE (incident_id, position)
);

CREATE TABLE incident_notes (
    id INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    at BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX incident_notes_incident ON incident_notes (incident_id, id);

-- Lift faults and lobby / public-area hygiene checks made from the desk.
CREATE TABLE facility_checks (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    ok BIGINT NOT NULL CHECK (ok IN (0, 1)),
    note TEXT,
    ticket_id BIGINT REFERENCES tickets(id),
    at BIGINT NOT NULL,
    by_name TEXT NOT NULL
);
CREATE INDEX facility_checks_site ON facility_checks (site_id, id);

-- 班次, the weekly roster and attendance (出勤).
CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    UNIQUE (site_id, code)
);

CREATE TABLE roster (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    shift_id BIGINT NOT NULL REFERENCES shifts(id),
    PRIMARY KEY (site_id, user_id, day)
);
CREATE INDEX roster_day ON roster (site_id, day);

CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    clock_in_at BIGINT NOT NULL,
    clock_out_at BIGINT,
    UNIQUE (site_id, user_id, day)
);
CREATE INDEX attendance_day ON attendance (site_id, day);

-- 咨询: one line per inquiry answered at the desk.
CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    at BIGINT NOT NULL,
    by_name TEXT NOT NULL,
    asker TEXT NOT NULL,
    tenant_id BIGINT REFERENCES tenants(id),
    unit_id BIGINT REFERENCES units(id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX inquiries_site ON inquiries (site_id, id);
