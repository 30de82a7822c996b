-- Two-factor sign-in (TOTP, RFC 6238). One row per user who started enrolment; enabled_at is
-- set once a code confirmed it. The secret is sealed by crypto::secret_box with the context
-- "two-factor:<user id>"; never stored in clear. last_step is the newest 30-second step whose
-- code was accepted, so a code is never accepted twice.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret BYTEA NOT NULL,
    enabled_at TIMESTAMP,
    last_step BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One-time recovery codes; only the SHA-256 (hex) of each is stored.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Sign-ins waiting for their second step: the password was right; the cookie holds a random
-- token, only its SHA-256 is stored here. Dead after expires_at (5 minutes).
CREATE TABLE two_factor_challenges (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX two_factor_challenges_user_idx ON two_factor_challenges (user_id);

-- A company whose users must all sign in with two factors.
ALTER TABLE companies ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;
