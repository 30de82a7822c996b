CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- active | paused | deleted (a deleted location keeps its lead history)
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'deleted')),
    -- AccuLynx API key, sealed by crypto::secret_box; never stored in clear.
    acculynx_key BYTEA,
    key_last4 TEXT,
    key_set_at TIMESTAMP,
    -- missing | untested | valid | rejected
    key_status TEXT NOT NULL DEFAULT 'missing',
    key_checked_at TIMESTAMP,
    key_check_message TEXT,
    url_version INTEGER NOT NULL DEFAULT 1,
    previous_url_version INTEGER,
    previous_url_valid_until TIMESTAMP,
    -- Field mapping: extra aliases and defaults (JSON, see intake::mapping).
    mapping TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX locations_company_idx ON locations (company_id, name);
CREATE UNIQUE INDEX locations_live_name_idx ON locations (company_id, name) WHERE deleted_at IS NULL;
