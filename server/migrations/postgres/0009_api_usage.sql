-- The data API's calls per account and day (UTC): accepted, refused over the account's rate, and the last one.
-- Written every few seconds from each instance's counts (an upsert adds them).
CREATE TABLE api_usage (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    day TEXT NOT NULL,
    calls BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    last_call_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);
