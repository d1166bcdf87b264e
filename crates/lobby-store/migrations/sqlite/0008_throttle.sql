-- Throttles for guessable secrets (sign-in passwords, pickup codes): one
-- counter per key in a fixed window, checked and incremented in one
-- statement (INSERT … ON CONFLICT … RETURNING), so parallel attempts cannot
-- all pass the check before any is counted. Keys name what is counted:
-- 'login:user:U|addr:A', 'login:user:U', 'login:addr:A', 'pickup:parcel:N',
-- 'pickup:user:N'. Replaces login_failures (a count read, then an insert).
-- Keep in step with the other engine's 0008_throttle.sql.
CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    n BIGINT NOT NULL
);
DROP TABLE login_failures;

-- What a create with an Idempotency-Key asked for (a hash of its input):
-- the same key sent with a different request is refused (409 duplicate)
-- instead of answering with the first one's record. NULL for keys kept
-- before this column.
ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;
