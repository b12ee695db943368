-- Retention: a request whose personal data was erased (kept as an anonymous statistic), when an account was
-- disabled, and an audit trail that stays append-only for everything younger than its retention period.

ALTER TABLE registrations ADD COLUMN erased_at BIGINT;
ALTER TABLE accounts ADD COLUMN disabled_at BIGINT;
-- Accounts disabled before this column existed count from now.
UPDATE accounts SET disabled_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE disabled = 1;

CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX outbox_by_status ON outbox (status, sent_at);

-- An entry may be deleted once older than the retention period the server writes in `settings`
-- (`audit_retention_days`, never under 30 days); none is ever changed.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    - MAX(30, COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'audit_retention_days'), 36500)) * 86400000
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only within its retention period'); END;
