-- The retention purge (SPEC §8) looks for old leads that still have their payload. Purged
-- leads leave this index, so each daily run reads only what is left to purge instead of
-- every lead ever purged.
CREATE INDEX leads_with_payload_idx ON leads (received_at) WHERE payload_purged_at IS NULL;
