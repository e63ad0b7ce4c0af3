-- Where each viewer is in each movie, and what they played when. Keep in step with
-- ../sqlite/0006_playback.sql.

-- One row per viewer and movie: the resume point, and whether they got through it (90 %).
-- It is also the viewer's history: removing an entry deletes the row.
CREATE TABLE watch_progress (
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id    BIGINT  NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    position_ms BIGINT  NOT NULL CHECK (position_ms >= 0),
    duration_ms BIGINT  NOT NULL CHECK (duration_ms > 0),
    watched     BOOLEAN NOT NULL DEFAULT FALSE,
    started_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (user_id, movie_id)
);
CREATE INDEX watch_progress_recent ON watch_progress (user_id, updated_at);

-- Every start, progress, pause, seek and finish, for the recommender and for insight.
CREATE TABLE playback_events (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id    BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    kind        TEXT   NOT NULL CHECK (kind IN ('start', 'progress', 'pause', 'seek', 'finish')),
    position_ms BIGINT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX playback_events_by_viewer ON playback_events (user_id, movie_id, at);
