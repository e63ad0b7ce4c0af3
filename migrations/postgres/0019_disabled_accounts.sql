-- An admin can disable an account (#20): it cannot sign in, and disabling it bumps its session
-- epoch, so its open sessions end at their next request. NULL while the account is enabled.
-- Keep this file and its twin in the other dialect's folder the same schema.

ALTER TABLE users ADD COLUMN disabled_at BIGINT;
