-- The catalog's version (#16): a number that moves on, in the same transaction, whenever what a
-- catalog list shows or counts can change. Each server keeps list counts, the genre menu and
-- whole list pages keyed by it, and reads this one row at most once a second instead of
-- recounting the catalog per request; an edit on one server is therefore seen by every other
-- within that second. Keep in step with ../sqlite/0015_catalog_version.sql.
--
-- Rating totals (rating_count, rating_sum, rating_score) are not listed: they change with every
-- rating, and cached pages age out on their own (docs/architecture.md, "Catalog caches").
CREATE TABLE catalog_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);

CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_state SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

-- Once per statement, not per row: a bulk load of 100,000 movies moves it a few times.
CREATE TRIGGER movies_catalog_changed
    AFTER INSERT OR DELETE OR UPDATE OF title, original_title, year, runtime_minutes, original_language,
        cover_key, sort_title, search_text, deleted_at ON movies
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER movie_genres_catalog_changed AFTER INSERT OR DELETE ON movie_genres
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER genres_catalog_changed AFTER INSERT OR DELETE OR UPDATE ON genres
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
