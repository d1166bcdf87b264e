-- Text search by index (issue 39): a work order's title, number and
-- description in an FTS5 table with the trigram tokenizer, so that a
-- search of three characters or more (Chinese included: a trigram is any
-- three characters) looks its matches up instead of walking the site's
-- history. Keep in step with ../postgres/0041_search.sql.
--
-- An external-content table: the text stays in `tickets`, the index is
-- kept by the triggers below (a release before this one writes tickets
-- through the same triggers, so the index stays whole beside it).
CREATE VIRTUAL TABLE ticket_text USING fts5(
    title, number, description,
    content = 'tickets', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO ticket_text (ticket_text) VALUES ('rebuild');

CREATE TRIGGER ticket_text_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_text (rowid, title, number, description)
    VALUES (new.id, new.title, new.number, new.description);
END;

CREATE TRIGGER ticket_text_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_text (ticket_text, rowid, title, number, description)
    VALUES ('delete', old.id, old.title, old.number, old.description);
END;

CREATE TRIGGER ticket_text_update AFTER UPDATE OF title, number, description ON tickets BEGIN
    INSERT INTO ticket_text (ticket_text, rowid, title, number, description)
    VALUES ('delete', old.id, old.title, old.number, old.description);
    INSERT INTO ticket_text (rowid, title, number, description)
    VALUES (new.id, new.title, new.number, new.description);
END;
