-- One-time password-reset links an admin issues for a viewer who forgot their password (#20;
-- Cinecloud sends no email). Only the SHA-256 of the link's token is stored. A link works once,
-- for 24 hours; a new one for the same account replaces any unused one; using it sets the
-- password and ends every session of the account. Unused links past their lifetime are deleted
-- when the next link is issued.
-- Keep this file and its twin in the other dialect's folder the same schema.

CREATE TABLE password_resets (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
