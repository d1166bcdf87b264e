-- Trust every number and every retry (issue 34). Expand only.
-- Keep in step with ../sqlite/0035_trust.sql.

-- A reading far above its meter's usual use waits for a second person
-- before it is billed.
ALTER TABLE meter_readings ADD COLUMN confirmed_by BIGINT;
ALTER TABLE meter_readings ADD COLUMN confirmed_by_name TEXT;
ALTER TABLE meter_readings ADD COLUMN confirmed_at BIGINT;

-- Idempotency-Key for every POST of the API: the key is reserved before
-- the request runs (status NULL) and its answer kept after, so a retry
-- gets the first answer and a concurrent twin waits for it.
CREATE TABLE api_idempotency (
    user_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);

-- A signed department report is frozen against DELETE too, not only
-- UPDATE (an INSERT … ON CONFLICT DO UPDATE fires the update trigger).
CREATE FUNCTION department_reports_signed_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a signed department report cannot change';
    END IF;
    RETURN OLD;
END; $$;
CREATE TRIGGER department_reports_signed_delete BEFORE DELETE ON department_reports
FOR EACH ROW EXECUTE FUNCTION department_reports_signed_delete();

-- A lost key copy is out of service until it is found or replaced; one
-- open loss per copy. Losses recorded before this release were replaced
-- at once (the rule then), so they are settled as such.
ALTER TABLE key_losses ADD COLUMN settled_at BIGINT;
ALTER TABLE key_losses ADD COLUMN settled_how TEXT;
ALTER TABLE key_losses ADD COLUMN settled_by_name TEXT;
-- The replacement charge the desk proposes; finance makes it (charge_id).
ALTER TABLE key_losses ADD COLUMN proposed_fee_item_id BIGINT;
UPDATE key_losses SET settled_at = reported_at, settled_how = 'replaced', settled_by_name = reported_by_name;
CREATE UNIQUE INDEX key_losses_open ON key_losses (key_id, copy_no) WHERE settled_at IS NULL;
