-- Flood limits: one fixed-window counter per action and client address, and one per action for everyone.
CREATE TABLE rate_counters (
    counter_key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

-- New requests not told to the ministry one by one (a burst): they go out together in one digest.
CREATE TABLE notice_digest (
    registration_id BIGINT PRIMARY KEY REFERENCES registrations (id),
    created_at BIGINT NOT NULL
);
