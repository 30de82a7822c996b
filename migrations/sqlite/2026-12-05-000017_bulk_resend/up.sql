-- Bulk resends: one row per job (a company's failed or held leads sent again), and the leads
-- it takes, captured when the job is confirmed so later leads are never swept in and each
-- lead is sent at most once per job.
CREATE TABLE bulk_resend_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies (id),
    location_id TEXT REFERENCES locations (id),
    lead_status TEXT NOT NULL,
    filter_words TEXT NOT NULL,
    list_href TEXT NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_by_user_id TEXT,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX bulk_resend_jobs_company_idx ON bulk_resend_jobs (company_id, created_at);
CREATE INDEX bulk_resend_jobs_running_idx ON bulk_resend_jobs (state);

CREATE TABLE bulk_resend_items (
    job_id TEXT NOT NULL REFERENCES bulk_resend_jobs (id),
    lead_id TEXT NOT NULL REFERENCES leads (id),
    state TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (job_id, lead_id)
);
CREATE INDEX bulk_resend_items_state_idx ON bulk_resend_items (job_id, state, lead_id);
