-- The full-text index holds visible movies only: a movie leaves it when it is deleted (while
-- the delete can still be undone) and comes back when restored. A plain search can then count
-- and rank inside FTS5 alone — no join to `movies` for each of 13,000 matches just to skip the
-- deleted ones (issue #3's benchmark). PostgreSQL needs no counterpart: its tsvector is a column
-- of `movies`, filtered in the same scan.
--
-- `movies_fts` is an external-content table: a 'delete' must name exactly what was indexed,
-- so every trigger below removes a row only if it is in the index (the movie was visible). Do
-- not run FTS5's 'rebuild' on it: that would index deleted movies again.
DROP TRIGGER movies_fts_insert;
DROP TRIGGER movies_fts_delete;
DROP TRIGGER movies_fts_update;

CREATE TRIGGER movies_fts_insert AFTER INSERT ON movies WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO movies_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER movies_fts_delete AFTER DELETE ON movies WHEN old.deleted_at IS NULL BEGIN
    INSERT INTO movies_fts (movies_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER movies_fts_update AFTER UPDATE OF search_text, deleted_at ON movies BEGIN
    INSERT INTO movies_fts (movies_fts, rowid, search_text)
        SELECT 'delete', old.id, old.search_text WHERE old.deleted_at IS NULL;
    INSERT INTO movies_fts (rowid, search_text)
        SELECT new.id, new.search_text WHERE new.deleted_at IS NULL;
END;

-- Movies deleted before this migration leave the index now.
INSERT INTO movies_fts (movies_fts, rowid, search_text)
    SELECT 'delete', id, search_text FROM movies WHERE deleted_at IS NOT NULL;
