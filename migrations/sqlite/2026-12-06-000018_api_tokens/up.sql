-- API tokens for scripts (a company's JSON API): the secret is kept only as its SHA-256,
-- shown once when the token is made; a revoked token stays listed, refused.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_company_idx ON api_tokens (company_id, created_at);
