-- Account requests, accounts, the email outbox and the local SIRENE directory.
-- Times are milliseconds since the Unix epoch (UTC) and flags are 0/1 integers, the same on SQLite and PostgreSQL.

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    profile TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    organisation_kind TEXT NOT NULL,
    siren TEXT NOT NULL,
    siret TEXT,
    company_name TEXT NOT NULL,
    company_name_source TEXT NOT NULL CHECK (company_name_source IN ('register', 'applicant')),
    siren_verified BIGINT NOT NULL,
    register_state TEXT,
    register_diffusible BIGINT,
    legal_category TEXT,
    phone TEXT NOT NULL,
    phone_as_typed TEXT NOT NULL,
    warnings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE UNIQUE INDEX registrations_one_pending_per_email ON registrations (email_key) WHERE status = 'pending';
CREATE INDEX registrations_by_status ON registrations (status, created_at, id);
CREATE INDEX registrations_by_siren ON registrations (siren);

CREATE TABLE registration_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX registration_events_by_registration ON registration_events (registration_id, id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    email_key TEXT NOT NULL UNIQUE,
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    registration_id BIGINT REFERENCES registrations (id),
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE sirene_units (
    siren TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('active', 'ceased')),
    diffusible BIGINT NOT NULL,
    company_name TEXT,
    legal_category TEXT
);

CREATE TABLE sirene_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    units BIGINT NOT NULL,
    imported_at BIGINT NOT NULL
);
