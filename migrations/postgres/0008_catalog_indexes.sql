-- Browse and filter at 100,000 movies (issue #3's benchmark). Keep in step with
-- ../sqlite/0008_catalog_indexes.sql.
--
-- Every catalog query filters `deleted_at IS NULL`, so these are partial indexes over visible
-- movies, in the order pages are shown. Titles sort byte-wise (COLLATE "C"; `sort_title` is
-- folded to lower-case ASCII by the application), so the queries say so and the index applies
-- whatever the database's default collation is.
CREATE INDEX movies_visible_created ON movies (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX movies_visible_title ON movies (sort_title COLLATE "C", id) WHERE deleted_at IS NULL;
CREATE INDEX movies_visible_year ON movies (year, sort_title COLLATE "C", id) WHERE deleted_at IS NULL;
CREATE INDEX movies_visible_language
    ON movies (original_language, year DESC NULLS LAST, sort_title COLLATE "C", id) INCLUDE (runtime_minutes)
    WHERE deleted_at IS NULL;
DROP INDEX movies_language;
-- New indexes plan well only with statistics: refresh the movies table's now.
ANALYZE movies;
