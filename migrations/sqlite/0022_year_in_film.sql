-- Each viewer's private "year in film" (#20). Keep this file and its twin in the other dialect's
-- folder the same schema.

-- Every time a viewer watched a movie to its end: the report that reached the end of a viewing
-- (90 % of it, or the player's "finish") after one that had not, so watching it again counts
-- again. Movies already watched before this table count once, when they were last played.
CREATE TABLE finishes (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    at       BIGINT NOT NULL
);
CREATE INDEX finishes_by_viewer ON finishes (user_id, at);
INSERT INTO finishes (user_id, movie_id, at) SELECT user_id, movie_id, updated_at FROM watch_progress WHERE watched;

-- Share cards a viewer made of one year: an image reachable only through its random token (the
-- link), drawn from the figures as they were when it was made (`summary`, JSON), so it shows no
-- more than the viewer chose to share. One per viewer and year; revoking deletes the row.
CREATE TABLE share_cards (
    token      TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    created_at BIGINT  NOT NULL,
    summary    TEXT    NOT NULL,
    UNIQUE (user_id, year)
);
