-- Genre lists at 100,000 movies (issue #3's benchmark). Keep in step with
-- ../sqlite/0010_genre_copies.sql.
--
-- A genre filter found the genre's movies in `movie_genres`, then looked each one up in `movies`
-- to check that it was visible and in the year range, and to sort it by title: some 12,500
-- lookups for a large genre, 20–30 ms. `movie_genres` now carries copies of those three columns,
-- kept in step as described below, so a genre list's count and page (with a year range, by
-- title or by year) come from one range of one index, and `movies` is read for the page only.
ALTER TABLE movie_genres ADD COLUMN year INTEGER;
ALTER TABLE movie_genres ADD COLUMN sort_title TEXT NOT NULL DEFAULT '';
ALTER TABLE movie_genres ADD COLUMN deleted_at BIGINT;
UPDATE movie_genres mg SET year = m.year, sort_title = m.sort_title, deleted_at = m.deleted_at
    FROM movies m WHERE m.id = mg.movie_id;

-- The application writes the copies with each new link (links are written for visible movies
-- only); an edit, a delete or a restore updates every copy of that movie. (A BEFORE INSERT
-- trigger reading `movies` would cache, per connection, the plan it made while the table was
-- tiny: a sequential scan, which made bulk loads quadratic.)
CREATE FUNCTION movies_genre_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE movie_genres SET year = NEW.year, sort_title = NEW.sort_title, deleted_at = NEW.deleted_at
        WHERE movie_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER movies_genre_copies AFTER UPDATE OF year, sort_title, deleted_at ON movies
    FOR EACH ROW
    WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.sort_title IS DISTINCT FROM NEW.sort_title
          OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION movies_genre_copies();

CREATE INDEX movie_genres_visible_year ON movie_genres (genre_id, year, sort_title COLLATE "C", movie_id)
    WHERE deleted_at IS NULL;
CREATE INDEX movie_genres_visible_title ON movie_genres (genre_id, sort_title COLLATE "C", movie_id)
    INCLUDE (year) WHERE deleted_at IS NULL;
-- A search within a genre checks each full-text match here, without reading the link's row.
CREATE INDEX movie_genres_visible_movie ON movie_genres (genre_id, movie_id) INCLUDE (year)
    WHERE deleted_at IS NULL;
ANALYZE movie_genres;
