ALTER TABLE delivery_attempts DROP COLUMN request;
DROP TABLE v2_lookups;
DROP TABLE v2_contacts;
DROP TABLE v2_deliveries;
ALTER TABLE locations DROP COLUMN rate_limited_until;
ALTER TABLE locations DROP COLUMN rate_limit_policy;
ALTER TABLE locations DROP COLUMN v2_defaults;
ALTER TABLE locations DROP COLUMN acculynx_api;
