-- Browsers that have signed in to an account (#33, OWASP's "device cookies"): a browser that
-- once signed in carries a random token in a cookie, stored here only as its SHA-256. Sign-in
-- attempts from such a browser have their own allowance; every other browser shares one
-- allowance per account, so guessing from many addresses is bounded without locking the owner
-- out of the devices they already use. At most 20 rows per account (the least recently used go
-- first); rows unused for a year are pruned by the maintenance round.
-- Keep this file and ../postgres/0016_known_devices.sql the same schema.

CREATE TABLE known_devices (
    token_hash   TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX known_devices_by_user ON known_devices (user_id, last_used_at);
CREATE INDEX known_devices_used ON known_devices (last_used_at);
