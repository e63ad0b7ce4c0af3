-- The recommender's trained models, the lease that lets one server train at a time, what it
-- needs to notice new signals and new viewers, and MovieLens import links. Keep in step with ../sqlite/0004_recommender.sql.

-- One row per trained model; the highest version is served by every server. The factors are an
-- object in media storage (models/…, private): written before its row, deleted after its row.
CREATE TABLE recommender_models (
    version     BIGINT  PRIMARY KEY,
    object_key  TEXT    NOT NULL,
    -- When training finished, and the time its data was read: signals after it are new.
    trained_at  BIGINT  NOT NULL,
    data_as_of  BIGINT  NOT NULL,
    fit_seconds DOUBLE PRECISION NOT NULL,
    viewers     BIGINT  NOT NULL,
    movies      BIGINT  NOT NULL,
    signals     BIGINT  NOT NULL,
    -- JSON: held-out ranking quality of this configuration on this data, and a popularity baseline.
    metrics     TEXT    NOT NULL
);

-- Whoever holds an unexpired lease trains; the others wait for the new version.
CREATE TABLE recommender_lease (
    name       TEXT   PRIMARY KEY,
    holder     TEXT,
    expires_at BIGINT NOT NULL
);
INSERT INTO recommender_lease (name, holder, expires_at) VALUES ('trainer', NULL, 0);

-- Counting ratings changed since the last training.
CREATE INDEX ratings_by_time ON ratings (updated_at);

-- When the viewer picked (or skipped picking) a few movies they like; NULL: not asked yet.
ALTER TABLE users ADD COLUMN onboarded_at BIGINT;

-- What `cinecloud import movielens` made of each MovieLens movie and user, so a second import
-- changes nothing. Imported viewers are ordinary viewer accounts that cannot sign in.
CREATE TABLE movielens_movies (
    movielens_id BIGINT PRIMARY KEY,
    movie_id     BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE
);
CREATE TABLE movielens_viewers (
    movielens_id BIGINT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
