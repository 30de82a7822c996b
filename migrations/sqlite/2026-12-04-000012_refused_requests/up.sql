-- Webhook calls the intake refused (400/404/410/413/415/429), kept per location so a broken
-- Action Plan shows up; never the body or the token. Trimmed to the newest rows per location
-- on insert.
CREATE TABLE refused_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id TEXT NOT NULL REFERENCES locations (id),
    received_at TIMESTAMP NOT NULL,
    http_status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    body_size BIGINT
);
CREATE INDEX refused_requests_location_idx ON refused_requests (location_id, id);
