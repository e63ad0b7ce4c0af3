-- The catalog's version (#16): a number that moves on, in the same transaction, whenever what a
-- catalog list shows or counts can change. Each server keeps list counts, the genre menu and
-- whole list pages keyed by it, and reads this one row at most once a second instead of
-- recounting the catalog per request; an edit on one server is therefore seen by every other
-- within that second. Keep in step with ../postgres/0015_catalog_version.sql.
--
-- Rating totals (rating_count, rating_sum, rating_score) are not listed: they change with every
-- rating, and cached pages age out on their own (docs/architecture.md, "Catalog caches").
CREATE TABLE catalog_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);

-- SQLite triggers run per row; the row is one page of the file, already in cache.
CREATE TRIGGER movies_insert_catalog_changed AFTER INSERT ON movies
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER movies_delete_catalog_changed AFTER DELETE ON movies
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER movies_update_catalog_changed
    AFTER UPDATE OF title, original_title, year, runtime_minutes, original_language, cover_key, sort_title,
        search_text, deleted_at ON movies
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER movie_genres_insert_catalog_changed AFTER INSERT ON movie_genres
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER movie_genres_delete_catalog_changed AFTER DELETE ON movie_genres
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER genres_insert_catalog_changed AFTER INSERT ON genres
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER genres_update_catalog_changed AFTER UPDATE ON genres
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER genres_delete_catalog_changed AFTER DELETE ON genres
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
END;
