-- Supervising the other departments and the outsourced services (issue 19
-- item 6): whom a site supervises, each one's monthly evaluation against
-- its service's criteria, and proposals (合理化建议) with their follow-up.
-- Keep in step with the other engine's 0034_supervision.sql.
CREATE TABLE supervised (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    service TEXT NOT NULL CHECK (service IN ('security', 'engineering', 'lift', 'fire_system', 'pest_control', 'landscaping', 'other')),
    name TEXT NOT NULL,
    contact TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);
-- A site's own criteria for a service (none: the service's defaults).
CREATE TABLE supervision_criteria (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    service TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    UNIQUE (site_id, service, code)
);
CREATE TABLE supervision_evaluations (
    id INTEGER PRIMARY KEY,
    supervised_id BIGINT NOT NULL REFERENCES supervised(id),
    month TEXT NOT NULL,
    -- Tenths of a point, 0–1000.
    total BIGINT NOT NULL,
    -- [{code, weight, score}] as JSON.
    scores TEXT NOT NULL,
    note TEXT,
    by_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    UNIQUE (supervised_id, month)
);
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'adopted', 'declined', 'done')),
    proposed_by BIGINT NOT NULL REFERENCES users(id),
    proposed_at BIGINT NOT NULL,
    decision_note TEXT,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    follow_up TEXT,
    done_by BIGINT REFERENCES users(id),
    done_at BIGINT
);
CREATE INDEX proposals_site ON proposals (site_id, id);
