-- Viewers' lists: one watchlist each and any number of named playlists, private unless made
-- public. Keep in step with ../postgres/0005_lists.sql.

CREATE TABLE lists (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 'watchlist' (exactly one per viewer, made on first use) or 'playlist'.
    kind        TEXT    NOT NULL CHECK (kind IN ('watchlist', 'playlist')),
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    is_public   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX lists_by_owner ON lists (user_id, kind, id);
CREATE UNIQUE INDEX one_watchlist_per_viewer ON lists (user_id) WHERE kind = 'watchlist';

-- A list's movies in the owner's order: positions are sparse (steps of 1024), so a move rewrites
-- one row and a full reorder rewrites the list in one transaction.
CREATE TABLE list_items (
    list_id  BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (list_id, movie_id)
);
CREATE INDEX list_items_in_order ON list_items (list_id, position);
CREATE INDEX list_items_by_movie ON list_items (movie_id);
