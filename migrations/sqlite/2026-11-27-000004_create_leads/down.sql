DROP TABLE lead_events;
DROP TABLE delivery_attempts;
DROP TABLE leads;
