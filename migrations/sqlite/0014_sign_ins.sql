-- Where each account is signed in: one row per signed-in session, so a viewer can see their
-- sessions (device, address, last active) and end the others, and an admin can end them all.
-- The session itself stays in the session store; its record holds this row's token. Sessions
-- ended by a password change (an older epoch), by the idle or the absolute timeout are left out
-- when listing, and old rows are pruned by the maintenance round.
-- Keep this file and ../postgres/0014_sign_ins.sql the same schema.

CREATE TABLE sign_ins (
    -- A random handle kept in the session record (not a credential: it signs nobody in).
    token        TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The account's session epoch the session was signed in under.
    epoch        BIGINT NOT NULL,
    -- "Firefox on Linux", from the User-Agent at sign-in.
    device       TEXT   NOT NULL,
    -- The client address at sign-in.
    client       TEXT   NOT NULL,
    signed_in_at BIGINT NOT NULL,
    -- Refreshed when the session slides (at most once a tenth of the idle window).
    seen_at      BIGINT NOT NULL
);
CREATE INDEX sign_ins_by_user ON sign_ins (user_id);
CREATE INDEX sign_ins_seen ON sign_ins (seen_at);
