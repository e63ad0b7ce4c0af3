-- Browse and filter at 100,000 movies (issue #3's benchmark). Keep in step with
-- ../postgres/0008_catalog_indexes.sql.
--
-- Every catalog query filters `deleted_at IS NULL`, so these are partial indexes over visible
-- movies: a page is read from the index in the order it is shown, skipping deleted movies
-- without visiting them, and a deep page (OFFSET 24,000) steps through index entries only.
CREATE INDEX movies_visible_created ON movies (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX movies_visible_title ON movies (sort_title, id) WHERE deleted_at IS NULL;
CREATE INDEX movies_visible_year ON movies (year, sort_title, id) WHERE deleted_at IS NULL;
-- Language with runtime, newest first: the page comes straight from this index, and the count
-- reads it without touching the table. It replaces the plain language index.
CREATE INDEX movies_visible_language ON movies (original_language, year DESC, sort_title, id, runtime_minutes)
    WHERE deleted_at IS NULL;
DROP INDEX movies_language;
-- New indexes plan well only with statistics: refresh the movies table's now.
ANALYZE movies;
