-- The work log (工作日志, issue 19 item 7): the supervisor's and the
-- project manager's own entries beside the generated management log, and
-- the government-liaison register with its deadlines reminded.
-- Keep in step with the other engine's 0033_work_log.sql.
CREATE TABLE work_log (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    day TEXT NOT NULL,
    topic TEXT NOT NULL CHECK (topic IN ('note', 'arrears', 'government', 'decision')),
    text TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX work_log_day ON work_log (site_id, day);
CREATE TABLE liaison_items (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    authority TEXT NOT NULL,
    contact TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('inspection', 'notice', 'meeting', 'filing')),
    subject TEXT NOT NULL,
    detail TEXT,
    happened_on TEXT NOT NULL,
    deadline_on TEXT,
    response TEXT,
    responded_by BIGINT REFERENCES users(id),
    responded_at BIGINT,
    reminded_on TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX liaison_items_site ON liaison_items (site_id, happened_on);
