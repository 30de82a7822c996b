DROP INDEX leads_with_payload_idx;
