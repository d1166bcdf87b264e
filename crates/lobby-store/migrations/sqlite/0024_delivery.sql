-- Delivery beyond the bell (issue 18): every notification that is written
-- in a use case's transaction also writes, in that transaction, the
-- deliveries it owes — an e-mail to a person who gave an address, a
-- message to each group robot of the site (WeCom, DingTalk) or
-- integrator's webhook that listens to the role it was addressed to. The
-- sender takes due rows later, outside any request, by a conditional
-- update (one server per row), and retries with back-off until sent or
-- dead. A delivery keeps its own copy of the message: a robot's group gets
-- a department's dispatch even when nobody of that department has an
-- account. Keep in step with ../postgres/0024_delivery.sql.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notify_prefs (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    email_on BIGINT NOT NULL DEFAULT 1 CHECK (email_on IN (0, 1)),
    -- Quiet hours in the site's time, 'HH:MM' each, or both empty.
    quiet_from TEXT,
    quiet_to TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE robots (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'webhook')),
    url TEXT NOT NULL,
    secret TEXT,
    -- Comma-separated roles whose notifications it receives, '' for all.
    roles TEXT NOT NULL DEFAULT '',
    -- Comma-separated notification kinds, '' for all.
    kinds TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX robots_site ON robots (site_id, id);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    site_id BIGINT,
    notification_id BIGINT REFERENCES notifications(id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'wecom', 'dingtalk', 'webhook')),
    user_id BIGINT REFERENCES users(id),
    robot_id BIGINT REFERENCES robots(id),
    -- The address, or the robot's name (its URL stays on the robot).
    target TEXT NOT NULL,
    locale TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dead')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    -- Taken by a sender until then (a sender that died is replaced after it).
    lease_until BIGINT,
    last_error TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);
CREATE INDEX deliveries_site ON deliveries (site_id, id);

-- A tenant's own requests (the portal's list).
CREATE INDEX tickets_tenant ON tickets (tenant_id, id);
