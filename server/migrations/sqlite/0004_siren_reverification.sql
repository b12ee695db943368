-- When the register last answered for a request's SIREN. `siren_verified` is 0 (not checked: the register did not
-- answer), 1 (found) or 2 (the register does not know it); requests at 0 are checked again by a background job.
ALTER TABLE registrations ADD COLUMN register_checked_at BIGINT;
UPDATE registrations SET register_checked_at = created_at WHERE siren_verified = 1;
CREATE INDEX registrations_to_reverify ON registrations (siren_verified, status);
