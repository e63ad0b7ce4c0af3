-- The video file attached to a movie. Keep in step with ../sqlite/0007_videos.sql.
--
-- The object is written to media storage (under `videos/`, never public) before this row points at
-- it, and an object this row no longer names is deleted only after the commit that let go of it.
CREATE TABLE movie_videos (
    movie_id     BIGINT PRIMARY KEY REFERENCES movies (id) ON DELETE CASCADE,
    object_key   TEXT   NOT NULL UNIQUE,
    content_type TEXT   NOT NULL CHECK (content_type IN ('video/mp4', 'video/webm')),
    byte_size    BIGINT NOT NULL CHECK (byte_size > 0),
    uploaded_at  BIGINT NOT NULL,
    uploaded_by  BIGINT REFERENCES users (id) ON DELETE SET NULL
);
