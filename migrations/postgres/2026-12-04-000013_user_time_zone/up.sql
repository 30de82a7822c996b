-- A person's own time zone (IANA name); NULL follows the default: the company's zone, UTC for platform admins.
ALTER TABLE users ADD COLUMN time_zone TEXT;
