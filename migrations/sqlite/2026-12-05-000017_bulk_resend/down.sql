DROP INDEX bulk_resend_items_state_idx;
DROP TABLE bulk_resend_items;
DROP INDEX bulk_resend_jobs_running_idx;
DROP INDEX bulk_resend_jobs_company_idx;
DROP TABLE bulk_resend_jobs;
