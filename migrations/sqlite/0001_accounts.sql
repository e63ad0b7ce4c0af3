-- Accounts, login throttling and the one-time first-admin setup link.
-- Keep this file and ../postgres/0001_accounts.sql the same schema: only the dialect differs.
-- Times are unix seconds (BIGINT) so both backends decode them the same way.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'viewer' CHECK (role IN ('viewer', 'admin')),
    photo_key     TEXT,
    -- Bumped when every session of this user must end (password change).
    session_epoch BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT   NOT NULL,
    client_addr  TEXT   NOT NULL,
    failed_at    BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_addr ON login_failures (client_addr, failed_at);

CREATE TABLE setup_tokens (
    token_hash TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
