-- Where a long command-line job got to (#19: `cinecloud import tmdb`), so a run that was
-- stopped or killed carries on after the last item it finished instead of starting again. The
-- job's key names the job and its options; the row is removed when a run completes.
-- Keep this file and ../sqlite/0018_job_checkpoints.sql the same schema.

CREATE TABLE job_checkpoints (
    job        TEXT   PRIMARY KEY,
    -- The last item done (for `import tmdb`, a movie id; items go in id order).
    position   BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
