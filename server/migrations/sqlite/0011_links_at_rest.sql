-- An email carrying a one-time link is stored without its secret: the row of its link, whose secret is drawn
-- (and its digest stored) when the email leaves.
ALTER TABLE outbox ADD COLUMN link_token_id BIGINT REFERENCES account_tokens (id) ON DELETE SET NULL;
