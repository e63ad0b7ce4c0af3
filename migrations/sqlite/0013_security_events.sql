-- Security events: sign-ins (and refused ones), sign-ups, sign-outs, password changes, account
-- deletions, role changes (with who made them: the audit record), setup-link use and refused
-- admin calls. What an admin reads on /admin/security; the log carries the same events.
-- Keep this file and ../postgres/0013_security_events.sql the same schema.

CREATE TABLE security_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Unix seconds.
    at        BIGINT NOT NULL,
    -- What happened: sign_in, sign_up, sign_out, password_change, account_deletion,
    -- role_change, setup_link or refused.
    kind      TEXT   NOT NULL,
    -- success, failure, throttled or refused.
    outcome   TEXT   NOT NULL,
    -- The account it concerns, when known. Not a foreign key: the record outlives a deleted
    -- account (it holds no personal data beyond the id and the client address).
    user_id   BIGINT,
    -- Who did it, when someone else did (an admin changing a role).
    actor_id  BIGINT,
    -- The client address, as the server saw it (behind a proxy: the last hop's X-Forwarded-For).
    client    TEXT   NOT NULL,
    -- A short note: the new role, the refused path.
    detail    TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at ON security_events (at);
