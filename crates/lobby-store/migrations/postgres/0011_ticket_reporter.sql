-- Who reported a work order (报告人): the caller's name and phone as the desk
-- took them (by default the unit's tenant's day contact), printed on the slip.
-- Keep in step with ../sqlite/0011_ticket_reporter.sql.
ALTER TABLE tickets ADD COLUMN reporter_name TEXT;
ALTER TABLE tickets ADD COLUMN reporter_phone TEXT;
