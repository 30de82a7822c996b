DROP INDEX leads_held_idx;
