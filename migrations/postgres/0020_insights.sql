-- What the admin dashboard and each viewer's "year in film" read (#20). A day is a UTC calendar
-- day, numbered as unix seconds / 86400. Keep this file and its twin in the other dialect's
-- folder the same schema.

-- Time watched per viewer, movie and day: how far each playback report moved the position since
-- the one before, never more than the wall clock moved (a seek moves it without counting).
-- playback_events keeps only a viewer's newest few hundred reports per movie; this keeps the sum.
CREATE TABLE viewing_days (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id   BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    watched_ms BIGINT NOT NULL CHECK (watched_ms >= 0),
    PRIMARY KEY (user_id, movie_id, day)
);
-- The dashboard sums a period's days, by day and by movie.
CREATE INDEX viewing_days_by_day ON viewing_days (day, movie_id, watched_ms);

-- The days each account used Cinecloud signed in (signed in, made a request, played or rated).
CREATE TABLE active_days (
    day     BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (day, user_id)
);
CREATE INDEX active_days_by_user ON active_days (user_id, day);

-- Every model trained, kept after its factors are pruned: the dashboard shows whether each
-- version beat popularity.
CREATE TABLE recommender_history (
    version     BIGINT PRIMARY KEY,
    trained_at  BIGINT NOT NULL,
    fit_seconds DOUBLE PRECISION NOT NULL,
    viewers     BIGINT NOT NULL,
    movies      BIGINT NOT NULL,
    signals     BIGINT NOT NULL,
    metrics     TEXT   NOT NULL
);
INSERT INTO recommender_history (version, trained_at, fit_seconds, viewers, movies, signals, metrics)
SELECT version, trained_at, fit_seconds, viewers, movies, signals, metrics FROM recommender_models;

-- Ratings given in a period, per day, per half star and per movie, from the index alone.
CREATE INDEX ratings_by_creation ON ratings (created_at, movie_id, half_stars);
-- One account's security events, on its page in the admins' user management.
CREATE INDEX security_events_by_user ON security_events (user_id, id);
-- Sign-ups in a period.
CREATE INDEX users_by_creation ON users (created_at);

-- What playback and ratings already recorded.
INSERT INTO active_days (day, user_id)
SELECT at / 86400, user_id FROM playback_events
UNION SELECT created_at / 86400, user_id FROM ratings
UNION SELECT updated_at / 86400, user_id FROM ratings;

INSERT INTO viewing_days (user_id, movie_id, day, watched_ms)
SELECT user_id, movie_id, at / 86400, SUM(credit) FROM (
    SELECT user_id, movie_id, at,
        CASE WHEN kind IN ('progress', 'pause', 'finish') AND previous_ms IS NOT NULL
            THEN GREATEST(0, LEAST(position_ms - previous_ms, (at - previous_at) * 1000 + 2000)) ELSE 0 END AS credit
    FROM (SELECT user_id, movie_id, kind, position_ms, at,
              LAG(position_ms) OVER (PARTITION BY user_id, movie_id ORDER BY id) AS previous_ms,
              LAG(at) OVER (PARTITION BY user_id, movie_id ORDER BY id) AS previous_at
          FROM playback_events) AS e
) AS credited
GROUP BY user_id, movie_id, at / 86400
HAVING SUM(credit) > 0;

ANALYZE;
