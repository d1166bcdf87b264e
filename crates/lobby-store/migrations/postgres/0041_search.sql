-- Text search by index (issue 39): a work order's title, number and
-- description under a trigram index (pg_trgm), so that a search of three
-- characters or more (Chinese included: in a UTF-8 database pg_trgm takes
-- CJK characters as word characters) looks its matches up instead of
-- walking the site's history. Keep in step with ../sqlite/0041_search.sql.
--
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's
-- owner may create it. The expression is the one `tickets::list` searches
-- (`SEARCH_TEXT`); chr(31), the unit separator, keeps a match from running
-- across two fields. New entries wait in GIN's pending list until it is
-- merged, and every search reads the whole list: at the default 4 MB a
-- busy desk's last few thousand orders made a search with no match 60 ms;
-- at the least (64 kB) the inserting unit merges often and a search reads
-- little of it (BENCHMARKS.md, "Issue 39, second part").
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tickets_text ON tickets USING gin (
    (lower(title) || chr(31) || lower(number) || chr(31) || lower(description)) gin_trgm_ops
) WITH (gin_pending_list_limit = 64);
