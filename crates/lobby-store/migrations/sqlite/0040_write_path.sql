-- The write path off the commit's critical path (issue 39). Keep in step
-- with ../postgres/0040_write_path.sql.

-- Numbers of a series: a site's work orders of a day (series 'WO-20261207'),
-- its receipts of a year ('SK-2026-'). SQLite's one writer takes them in the
-- unit of work itself. Replaces ticket_counters, whose rows it carries on.
CREATE TABLE number_series (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    series TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (site_id, series)
);
INSERT INTO number_series (site_id, series, n)
SELECT site_id, 'WO-' || replace(day, '-', ''), n FROM ticket_counters;

-- The audit chain's place of an entry. SQLite's one writer chains entries
-- in the unit of work, in id order (seal = id; a release before this one
-- leaves it empty, and the chain is still read in id order here);
-- PostgreSQL seals them after the commit.
ALTER TABLE audit_log ADD COLUMN seal BIGINT;
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET seal = id;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE UNIQUE INDEX audit_log_seal ON audit_log (seal);
CREATE INDEX audit_log_waiting ON audit_log (id) WHERE seal IS NULL;
