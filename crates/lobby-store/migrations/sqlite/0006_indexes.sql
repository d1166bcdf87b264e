-- The work-order summary reads a site's tickets by creation time; without
-- this it walked every ticket of the site (20,000 at a 1,000,000-ticket
-- portfolio, see BENCHMARKS.md). Keep in step with ../postgres/0006_indexes.sql.
CREATE INDEX tickets_site_created ON tickets (site_id, created_at);
