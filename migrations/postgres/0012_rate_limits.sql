-- Rate limits as counters that are incremented and read in one statement, so that concurrent
-- attempts (on one server or many) cannot all pass a check made before any of them is recorded.
-- Replaces login_failures, which counted failures before verifying and recorded them after.
-- Keep this file and ../sqlite/0012_rate_limits.sql the same schema.

DROP TABLE login_failures;

CREATE TABLE rate_counters (
    -- What is limited and for whom, e.g. `login:account-client:<sha-256>`; emails and
    -- addresses are stored only hashed.
    key          TEXT   PRIMARY KEY,
    -- Unix seconds at which the current window began.
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
