ALTER TABLE companies DROP COLUMN require_two_factor;
DROP INDEX two_factor_challenges_user_idx;
DROP TABLE two_factor_challenges;
DROP TABLE recovery_codes;
DROP TABLE two_factor;
