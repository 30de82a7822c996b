-- The queue gauges of /metrics count held leads at every scrape; held leads are few, and this
-- partial index keeps counting them cheap however many leads are stored. On `status`, so that
-- SQLite's planner searches it rather than scanning a wider index.
CREATE INDEX leads_held_idx ON leads (status) WHERE status = 'held';
