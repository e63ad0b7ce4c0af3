-- The movie catalog: movies, genres, people and their credits, and the edit audit log.
-- Keep in step with ../sqlite/0002_catalog.sql.
-- `search_text` and `sort_title` are written by the application, folded (lower case, no accents)
-- the same way for both backends, so "amelie" finds "Amélie" everywhere.

CREATE TABLE movies (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title             TEXT    NOT NULL,
    original_title    TEXT,
    year              INTEGER,
    runtime_minutes   INTEGER,
    synopsis          TEXT    NOT NULL DEFAULT '',
    country           TEXT,
    original_language TEXT,
    age_rating        TEXT,
    cover_key         TEXT,
    trailer_url       TEXT,
    sort_title        TEXT    NOT NULL,
    search_text       TEXT    NOT NULL DEFAULT '',
    -- 'simple': no stemming or stop words, matching SQLite's unicode61 tokenizer.
    search_vector     TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    -- Optimistic concurrency: an edit names the version it started from.
    version           BIGINT  NOT NULL DEFAULT 1,
    -- Set while a deletion can still be undone; such movies are hidden everywhere.
    deleted_at        BIGINT
);
CREATE INDEX movies_sort_title ON movies (sort_title COLLATE "C", id);
CREATE INDEX movies_year ON movies (year, id);
CREATE INDEX movies_created ON movies (created_at, id);
CREATE INDEX movies_runtime ON movies (runtime_minutes);
CREATE INDEX movies_language ON movies (original_language);
CREATE INDEX movies_deleted ON movies (deleted_at);
CREATE INDEX movies_search ON movies USING GIN (search_vector);

CREATE TABLE genres (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE movie_genres (
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    genre_id BIGINT NOT NULL REFERENCES genres (id) ON DELETE CASCADE,
    PRIMARY KEY (movie_id, genre_id)
);
CREATE INDEX movie_genres_by_genre ON movie_genres (genre_id, movie_id);

CREATE TABLE people (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT   NOT NULL UNIQUE,
    search_name TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX people_search_name ON people (search_name text_pattern_ops);

CREATE TABLE credits (
    movie_id  BIGINT  NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    person_id BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role      TEXT    NOT NULL CHECK (role IN ('director', 'cast')),
    character TEXT,
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (movie_id, person_id, role)
);
CREATE INDEX credits_by_person ON credits (person_id, movie_id);

-- Kept when the movie is purged: who changed what stays on record.
CREATE TABLE movie_audit (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    movie_id  BIGINT NOT NULL,
    user_id   BIGINT,
    at        BIGINT NOT NULL,
    field     TEXT   NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX movie_audit_by_movie ON movie_audit (movie_id, id);
