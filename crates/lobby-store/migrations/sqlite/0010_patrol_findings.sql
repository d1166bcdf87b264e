-- A failed check item is a finding: the walker may send it to another
-- department than the item's category's (department; NULL: the category's),
-- and says whether it is the same problem as the item's open work order
-- (same_problem = 1: added to that order; 0: a work order of its own).
-- Keep in step with ../postgres/0010_patrol_findings.sql.
ALTER TABLE patrol_item_results ADD COLUMN department TEXT;
ALTER TABLE patrol_item_results ADD COLUMN same_problem BIGINT NOT NULL DEFAULT 0
    CHECK (same_problem IN (0, 1));
