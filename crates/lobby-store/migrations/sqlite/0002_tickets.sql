-- Work orders (工单). Keep in step with ../postgres/0002_tickets.sql.

-- Numbers are counted per site per local day: WO-20261126-0007.
CREATE TABLE ticket_counters (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    day TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (site_id, day)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('repair', 'complaint', 'request', 'inquiry')),
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    held_from TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    location TEXT,
    tenant_id BIGINT REFERENCES tenants(id),
    department TEXT,
    assignee_id BIGINT REFERENCES users(id),
    escalated BIGINT NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    satisfaction BIGINT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    response_due_at BIGINT NOT NULL,
    onsite_due_at BIGINT NOT NULL,
    resolve_due_at BIGINT NOT NULL,
    dispatched_at BIGINT,
    started_at BIGINT,
    resolved_at BIGINT,
    verified_at BIGINT,
    closed_at BIGINT,
    -- When the SLA job first found it past a deadline (and escalated it, once).
    sla_breached_at BIGINT,
    -- Verified work gets a return visit (回访) by then.
    return_visit_due_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (site_id, number)
);
CREATE INDEX tickets_site_id ON tickets (site_id, id);
CREATE INDEX tickets_site_state ON tickets (site_id, state, id);
CREATE INDEX tickets_unit ON tickets (unit_id, id);
CREATE INDEX tickets_unbreached ON tickets (state, response_due_at) WHERE sla_breached_at IS NULL;

CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    note TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Service levels per site × kind × priority; a missing row means the
-- national grade-one default (lobby_domain::tickets::default_service_level).
CREATE TABLE sla_policies (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    priority TEXT NOT NULL,
    respond_mins BIGINT NOT NULL,
    onsite_mins BIGINT NOT NULL,
    resolve_mins BIGINT NOT NULL,
    resolve_working_days BIGINT,
    return_visit_days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site_id, kind, priority)
);

-- Days that do not count as working days for the site's deadlines.
CREATE TABLE site_holidays (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    day TEXT NOT NULL,
    name TEXT,
    PRIMARY KEY (site_id, day)
);

-- Photos of a finding or a repair; the bytes live in the blob store (the data
-- dir's blobs/ folder), named by their sha256.
CREATE TABLE ticket_photos (
    id INTEGER PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    blob TEXT NOT NULL,
    thumb_blob TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX ticket_photos_ticket ON ticket_photos (ticket_id, id);
