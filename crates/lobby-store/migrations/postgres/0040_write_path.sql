-- The write path off the commit's critical path (issue 39). Keep in step
-- with ../sqlite/0040_write_path.sql.

-- Numbers of a series: a site's work orders of a day (series 'WO-20261207'),
-- its receipts of a year ('SK-2026-'). On PostgreSQL a number is taken in a
-- short transaction of its own, so no create holds the row until it commits;
-- a create that then fails leaves a gap (numbers are unique and increasing,
-- not gapless). Replaces ticket_counters, whose rows it carries on.
CREATE TABLE number_series (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    series TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (site_id, series)
);
INSERT INTO number_series (site_id, series, n)
SELECT site_id, 'WO-' || replace(day, '-', ''), n FROM ticket_counters;

-- The audit chain is sealed after the commit. A unit of work writes its
-- entries unchained (no seal, empty hashes; the id from a sequence, so no
-- lock is taken); one sealer at a time (the chain's advisory lock) links the
-- committed ones in id order: `seal` is the entry's place in the chain.
-- A release before this one, still running beside it (a rolling upgrade),
-- appends with its own id (the largest + 1) and hashes and no seal: the
-- sealer links its entries too, and this release takes another id when the
-- sequence meets one of them.
CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
SELECT setval('audit_log_id_seq', COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1, false);
ALTER TABLE audit_log ADD COLUMN seal BIGINT;
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET seal = id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
CREATE UNIQUE INDEX audit_log_seal ON audit_log (seal);
CREATE INDEX audit_log_waiting ON audit_log (id) WHERE seal IS NULL;

-- Still append-only: the one change allowed is sealing an entry that waits
-- (its seal and hashes set, nothing else touched).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seal IS NULL AND NEW.seal IS NOT NULL
       AND NEW.id = OLD.id AND NEW.at = OLD.at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_name = OLD.actor_name
       AND NEW.site_id IS NOT DISTINCT FROM OLD.site_id AND NEW.action = OLD.action
       AND NEW.entity = OLD.entity AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
       AND NEW.detail = OLD.detail THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END; $$;
