-- Text search by index (issue 39): a work order's title, number and
-- description under a trigram index (pg_trgm), so that a search of three
-- characters or more (Chinese included: in a UTF-8 database pg_trgm takes
-- CJK characters as word characters) looks its matches up instead of
-- walking the site's history. Keep in step with ../sqlite/0041_search.sql.
--
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's
-- owner may create it. The expression is the one `tickets::list` searches
-- (`search_text`); chr(31), the unit separator, keeps a match from running
-- across two fields.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tickets_text ON tickets USING gin (
    (lower(title) || chr(31) || lower(number) || chr(31) || lower(description)) gin_trgm_ops
);
