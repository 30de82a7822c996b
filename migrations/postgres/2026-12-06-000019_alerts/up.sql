-- Alerts: per company, who is told (email recipients, a Slack-compatible incoming webhook
-- whose URL is sealed with the master key like an AccuLynx key) and the thresholds; and
-- every notification sent (what, to whom, when, result), which also decides the cooldown.
CREATE TABLE alert_settings (
    company_id TEXT PRIMARY KEY NOT NULL REFERENCES companies (id),
    emails TEXT NOT NULL DEFAULT '',
    webhook_url BYTEA,
    webhook_host TEXT,
    silent_days INTEGER NOT NULL DEFAULT 7,
    backlog_minutes INTEGER NOT NULL DEFAULT 30,
    cooldown_minutes INTEGER NOT NULL DEFAULT 360,
    daily_digest BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    location_id TEXT REFERENCES locations (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_company_idx ON notifications (company_id, created_at);
CREATE INDEX notifications_cooldown_idx ON notifications (company_id, kind, location_id, created_at);
