-- Announcements and outages (通知/停水停电, issue 18 item 2): management's
-- notice to a whole site, one building or one floor; an outage carries
-- what stops, its period and what the desk tells callers. Withdrawn ones
-- stay for the record. Keep in step with ../postgres/0025_announcements.sql.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    building_id BIGINT REFERENCES buildings(id),
    floor_id BIGINT REFERENCES floors(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- NULL: a notice; else what stops (water, power, gas, lift, aircon, network, other).
    outage TEXT CHECK (outage IN ('water', 'power', 'gas', 'lift', 'aircon', 'network', 'other')),
    starts_at BIGINT,
    ends_at BIGINT,
    -- What the desk tells a caller who asks.
    callers_script TEXT,
    published_at BIGINT NOT NULL,
    published_by_name TEXT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by_name TEXT
);
CREATE INDEX announcements_site ON announcements (site_id, id);
