CREATE TABLE leads (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    received_at TIMESTAMP NOT NULL,
    -- queued | retrying | delivered | failed | rejected | held | duplicate
    status TEXT NOT NULL,
    content_type TEXT NOT NULL,
    request_headers TEXT NOT NULL DEFAULT '{}',
    -- Payloads: emptied by the retention purge (payload_purged_at set).
    raw_body TEXT,
    mapped_body TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    errors TEXT NOT NULL DEFAULT '[]',
    dedupe_key TEXT,
    duplicate_of TEXT,
    -- Copied from the mapped lead for lists and search.
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    phone_digits TEXT,
    -- Lower-cased "first last email", for case-insensitive search on both databases.
    search_text TEXT,
    -- Delivery state.
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_step INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    -- When the lead last entered the queue (accepted, replayed, released from hold): the
    -- retry schedule's span is counted from here.
    queued_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_http_status INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    payload_purged_at TIMESTAMP
);
CREATE INDEX leads_location_recent_idx ON leads (location_id, received_at DESC, id DESC);
CREATE INDEX leads_company_recent_idx ON leads (company_id, received_at DESC, id DESC);
CREATE INDEX leads_location_status_idx ON leads (location_id, status, received_at DESC, id DESC);
CREATE INDEX leads_company_status_idx ON leads (company_id, status, received_at DESC, id DESC);
CREATE INDEX leads_due_idx ON leads (next_attempt_at) WHERE status IN ('queued', 'retrying');
CREATE INDEX leads_dedupe_idx ON leads (location_id, dedupe_key, received_at);

CREATE TABLE delivery_attempts (
    id BIGSERIAL PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL,
    request_body TEXT,
    http_status INTEGER,
    response_headers TEXT NOT NULL DEFAULT '{}',
    response_body TEXT,
    error TEXT,
    -- delivered | failed | held | retrying | rate_limited
    outcome TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX delivery_attempts_lead_idx ON delivery_attempts (lead_id, id);
CREATE INDEX delivery_attempts_started_idx ON delivery_attempts (started_at);

-- Replays and edits of a lead, shown on its timeline.
CREATE TABLE lead_events (
    id BIGSERIAL PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lead_events_lead_idx ON lead_events (lead_id, id);
