-- Metadata from TMDb (#19): where a movie and a person came from, so that a refresh or a bulk
-- import finds them again and never imports a film twice; and titles and synopses in the
-- instance's other languages, whose titles are also in the movie's search text.
-- Keep in step with ../postgres/0017_metadata_ids.sql.
ALTER TABLE movies ADD COLUMN tmdb_id BIGINT;
ALTER TABLE movies ADD COLUMN imdb_id TEXT;
-- Unique when present: both databases let any number of rows be NULL under a unique index.
CREATE UNIQUE INDEX movies_tmdb_id ON movies (tmdb_id);
CREATE UNIQUE INDEX movies_imdb_id ON movies (imdb_id);

ALTER TABLE people ADD COLUMN tmdb_id BIGINT;
CREATE UNIQUE INDEX people_tmdb_id ON people (tmdb_id);

CREATE TABLE movie_translations (
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    -- BCP 47, as TMDb writes it: pt-BR, es-ES.
    language TEXT   NOT NULL,
    title    TEXT   NOT NULL DEFAULT '',
    synopsis TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (movie_id, language)
);
