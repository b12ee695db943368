-- Retention: a request whose personal data was erased (kept as an anonymous statistic), when an account was
-- disabled, and an audit trail that stays append-only for everything younger than its retention period.

ALTER TABLE registrations ADD COLUMN erased_at BIGINT;
ALTER TABLE accounts ADD COLUMN disabled_at BIGINT;
-- Accounts disabled before this column existed count from now.
UPDATE accounts SET disabled_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT WHERE disabled = 1;

CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX outbox_by_status ON outbox (status, sent_at);

-- An entry may be deleted once older than the retention period the server writes in `settings`
-- (`audit_retention_days`, never under 30 days); none is ever changed.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT
        - GREATEST(30, COALESCE((SELECT value::BIGINT FROM settings WHERE name = 'audit_retention_days'), 36500)) * 86400000
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only within its retention period';
END; $$;
