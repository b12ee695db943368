-- The administrators' side: administrators and their sessions, sign-in throttling, the audit trail, ready-made
-- refusal reasons, decisions on requests, accounts' one-time links and the instance's settings.

CREATE TABLE admins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'viewer')),
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Server-side sessions: the cookie carries a random token, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'account')),
    subject_id BIGINT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_subject ON sessions (kind, subject_id);

-- Failed sign-ins per login and per client address.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    first_failure_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

-- Who did what, when and why. Never updated nor deleted: the triggers refuse it.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT,
    actor_login TEXT,
    action TEXT NOT NULL,
    target_kind TEXT,
    target_id BIGINT,
    detail TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_log_by_target ON audit_log (target_kind, target_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE refusal_reasons (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    body TEXT NOT NULL,
    position BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
INSERT INTO refusal_reasons (code, label, body, position, active, updated_at) VALUES
('usage_non_conforme', 'Usage non conforme', 'L''usage décrit ne correspond pas à la diffusion de données de défibrillateurs au public, seul usage ouvert aux comptes API.', 1, 1, 0),
('structure_non_identifiee', 'Structure non identifiée', 'Le numéro SIREN et la raison sociale indiqués ne permettent pas d''identifier votre structure.', 2, 1, 0),
('type_structure_incoherent', 'Type de structure incohérent', 'Le type de structure choisi ne correspond pas à la catégorie juridique de votre organisme au répertoire SIRENE.', 3, 1, 0),
('email_personnel', 'Adresse email personnelle', 'Merci d''utiliser une adresse email professionnelle, de préférence générique (par exemple contact@votre-structure.fr), afin que le compte reste accessible à votre structure.', 4, 1, 0),
('nom_demandeur', 'Nom du demandeur incorrect', 'Les champs Nom et Prénom doivent contenir le nom d''une personne physique, et non celui de la structure.', 5, 1, 0),
('doublon', 'Demande en double', 'Votre structure dispose déjà d''un compte API ou d''une demande en cours : contactez l''administrateur de ce compte.', 6, 1, 0),
('telephone_injoignable', 'Téléphone injoignable', 'Nous n''avons pas pu vous joindre au numéro de téléphone indiqué pour vérifier votre demande.', 7, 1, 0);

ALTER TABLE registrations ADD COLUMN queue BIGINT NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN decided_by BIGINT REFERENCES admins (id);
ALTER TABLE registrations ADD COLUMN refusal_reasons TEXT;
ALTER TABLE registrations ADD COLUMN refusal_message TEXT;
ALTER TABLE registrations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE registrations SET queue = CASE WHEN status = 'pending' THEN 0 ELSE 1 END,
    search_text = lower(reference || ' ' || last_name || ' ' || first_name || ' ' || email || ' ' || siren || ' ' || company_name);
CREATE INDEX registrations_queue ON registrations (queue, created_at, id);
CREATE INDEX registrations_by_email ON registrations (email_key);
CREATE INDEX registrations_by_decision ON registrations (decided_at);
CREATE INDEX registrations_by_creation ON registrations (created_at);

ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN siren TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN password_hash TEXT;
ALTER TABLE accounts ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
CREATE INDEX accounts_by_siren ON accounts (siren);

-- One-time links sent by email (password creation): only the SHA-256 of the token is kept.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_tokens_by_account ON account_tokens (account_id, id);

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
