-- AccuLynx's v2 API (contact → job) as a second destination, chosen per location. Existing
-- locations keep v1; new ones are created with v2 by the application.
ALTER TABLE locations ADD COLUMN acculynx_api TEXT NOT NULL DEFAULT 'v1' CHECK (acculynx_api IN ('v1', 'v2'));
-- The names a v2 job gets when a lead has none (JSON, see acculynx::v2::defaults).
ALTER TABLE locations ADD COLUMN v2_defaults TEXT NOT NULL DEFAULT '{}';
-- The last rate-limit window AccuLynx said was exceeded, and until when its leads wait.
ALTER TABLE locations ADD COLUMN rate_limit_policy TEXT;
ALTER TABLE locations ADD COLUMN rate_limited_until TIMESTAMP;

-- What a lead's v2 delivery has obtained so far, so a retried or replayed delivery runs only
-- the steps not done yet and never creates a second job.
CREATE TABLE v2_deliveries (
    lead_id TEXT PRIMARY KEY NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    -- 1 for the first delivery; a replay of a delivered lead starts the next round (a new
    -- job, external reference projectId "<lead id>-<round>").
    round INTEGER NOT NULL DEFAULT 1,
    contact_id TEXT,
    job_id TEXT,
    -- Set just before POST /jobs: a job may exist in AccuLynx that we have not heard of.
    job_requested_at TIMESTAMP,
    reference_done BOOLEAN NOT NULL DEFAULT FALSE,
    appointment_done BOOLEAN NOT NULL DEFAULT FALSE,
    sales_owner_done BOOLEAN NOT NULL DEFAULT FALSE,
    message_done BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

-- The AccuLynx contact id found or created for an email, per location (v2 cannot search
-- contacts by email).
CREATE TABLE v2_contacts (
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (location_id, email)
);

-- AccuLynx's name → id lists (contact types, job categories, …), fetched with the location's
-- key and kept for a while.
CREATE TABLE v2_lookups (
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    items TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (location_id, kind)
);

-- Which AccuLynx request an attempt row records, e.g. "POST /api/v2/jobs".
ALTER TABLE delivery_attempts ADD COLUMN request TEXT;
