-- The column holds the national significant number (without the prefix or the trunk 0), not what was typed.
ALTER TABLE registrations RENAME COLUMN phone_as_typed TO phone_national;
