-- Ratings and other viewer signals: what the recommender learns from.
-- Keep in step with ../sqlite/0003_ratings.sql.

-- A viewer's rating of a movie in half stars: 1 = ½★ … 10 = 5★.
CREATE TABLE ratings (
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id   BIGINT  NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    half_stars INTEGER NOT NULL CHECK (half_stars BETWEEN 1 AND 10),
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, movie_id)
);
CREATE INDEX ratings_by_movie ON ratings (movie_id);

-- Each movie's ratings, kept in the same transaction as every rating change: the count, the sum
-- in half stars, and a damped average in stars for sorting (five phantom 3★ ratings, so one 5★
-- rating does not top the list). NULL score: not rated yet.
ALTER TABLE movies ADD COLUMN rating_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE movies ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE movies ADD COLUMN rating_score DOUBLE PRECISION;
CREATE INDEX movies_rating ON movies (rating_score DESC NULLS LAST, id);

-- Signals other than ratings. 'liked': picked when starting out; 'not_interested': never
-- recommend it. Playback and watchlist signals join later; the kinds are checked by the
-- application (cinecloud_core::ratings::Signal) so adding one needs no table rebuild.
CREATE TABLE signals (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id   BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    kind       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, movie_id, kind)
);
CREATE INDEX signals_by_time ON signals (created_at);
