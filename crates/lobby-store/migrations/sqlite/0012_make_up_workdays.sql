-- A site's calendar takes make-up working days (调休) as well as holidays: a
-- row with working = 1 is a Saturday or Sunday that is worked, so
-- working-day deadlines count it. Keep in step with ../postgres/0012_make_up_workdays.sql.
ALTER TABLE site_holidays ADD COLUMN working BIGINT NOT NULL DEFAULT 0 CHECK (working IN (0, 1));
