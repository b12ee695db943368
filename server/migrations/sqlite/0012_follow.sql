-- no-transaction
-- Following a request (the applicant's follow link, withdrawal, a reviewer's request for a complement, a reviewer
-- taking a request): the statuses widen, and a request records when a reviewer first opened it, who took it, and
-- when a complement was asked and recalled.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt by SQLite's documented procedure
-- (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"): foreign keys off
-- outside the transaction, the table copied whole with its ids, its indexes and triggers created again. The
-- search index keeps its rows: they are keyed by the same ids.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE registrations_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'complement', 'completed', 'approved', 'refused', 'withdrawn', 'closed')),
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
    phone_national TEXT NOT NULL,
    warnings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    queue BIGINT NOT NULL DEFAULT 0,
    decided_by BIGINT REFERENCES admins (id),
    refusal_reasons TEXT,
    refusal_message TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    register_checked_at BIGINT,
    erased_at BIGINT,
    opened_at BIGINT,
    taken_by BIGINT REFERENCES admins (id),
    taken_at BIGINT,
    complement_asked_at BIGINT,
    complement_reminded_at BIGINT
);
INSERT INTO registrations_rebuilt (id, reference, status, profile, last_name, first_name, email, email_key,
    organisation_kind, siren, siret, company_name, company_name_source, siren_verified, register_state,
    register_diffusible, legal_category, phone, phone_national, warnings, created_at, decided_at, queue, decided_by,
    refusal_reasons, refusal_message, search_text, register_checked_at, erased_at)
SELECT id, reference, status, profile, last_name, first_name, email, email_key,
    organisation_kind, siren, siret, company_name, company_name_source, siren_verified, register_state,
    register_diffusible, legal_category, phone, phone_national, warnings, created_at, decided_at, queue, decided_by,
    refusal_reasons, refusal_message, search_text, register_checked_at, erased_at
FROM registrations;
-- The ids already given stay given (AUTOINCREMENT's counter moves to the new table).
DELETE FROM sqlite_sequence WHERE name = 'registrations_rebuilt';
UPDATE sqlite_sequence SET name = 'registrations_rebuilt' WHERE name = 'registrations';
DROP TABLE registrations;
ALTER TABLE registrations_rebuilt RENAME TO registrations;

-- One request under way per address: sent, waiting for a complement, or completed.
CREATE UNIQUE INDEX registrations_one_open_per_email ON registrations (email_key)
    WHERE status IN ('pending', 'complement', 'completed');
CREATE INDEX registrations_by_status ON registrations (status, created_at, id);
CREATE INDEX registrations_by_siren ON registrations (siren);
CREATE INDEX registrations_queue ON registrations (queue, created_at, id);
CREATE INDEX registrations_by_email ON registrations (email_key);
CREATE INDEX registrations_by_decision ON registrations (decided_at);
CREATE INDEX registrations_by_creation ON registrations (created_at);
CREATE INDEX registrations_to_reverify ON registrations (siren_verified, status);
CREATE INDEX registrations_waiting_for_complement ON registrations (complement_asked_at) WHERE status = 'complement';

CREATE TRIGGER registrations_counted AFTER INSERT ON registrations BEGIN
    INSERT INTO registration_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER registrations_uncounted AFTER DELETE ON registrations BEGIN
    UPDATE registration_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER registrations_recounted AFTER UPDATE OF status ON registrations
    WHEN OLD.status <> NEW.status BEGIN
    UPDATE registration_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO registration_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER registrations_indexed AFTER INSERT ON registrations BEGIN
    INSERT INTO registrations_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
CREATE TRIGGER registrations_unindexed AFTER DELETE ON registrations BEGIN
    INSERT INTO registrations_search (registrations_search, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
END;
CREATE TRIGGER registrations_reindexed AFTER UPDATE OF search_text ON registrations BEGIN
    INSERT INTO registrations_search (registrations_search, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
    INSERT INTO registrations_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
INSERT INTO registration_counts (status, n) VALUES
    ('complement', 0), ('completed', 0), ('withdrawn', 0), ('closed', 0)
    ON CONFLICT (status) DO NOTHING;

-- The applicant's follow links: one per email that carries one, each valid as long as the request's personal
-- data is kept. Only the SHA-256 of a link's secret is stored, drawn when its email leaves (as the password
-- links): until then the digest column holds a placeholder no secret's digest matches.
CREATE TABLE follow_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX follow_links_by_registration ON follow_links (registration_id);
ALTER TABLE outbox ADD COLUMN follow_link_id BIGINT REFERENCES follow_links (id) ON DELETE SET NULL;

-- Ready-made messages of a request for a complement, editable by the administrators as the refusal reasons.
CREATE TABLE complement_messages (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    body TEXT NOT NULL,
    position BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
INSERT INTO complement_messages (code, label, body, position, active, updated_at) VALUES
('telephone_perenne', 'Téléphone pérenne', 'Indiquez un numéro de téléphone pérenne, de préférence le standard de votre structure : le compte doit rester joignable si vous changez de poste.', 1, 1, 0),
('nom_personne', 'Nom d''une personne', 'Le nom et le prénom doivent être ceux d''une personne, et non celui de votre structure.', 2, 1, 0),
('raison_sociale', 'Raison sociale', 'Indiquez dans le champ « Raison sociale » le nom de votre structure, tel qu''il figure au répertoire SIRENE, et non votre nom.', 3, 1, 0),
('siren_structure', 'SIREN de la structure', 'Le numéro SIREN indiqué est celui d''une autre structure (par exemple la maison mère) : indiquez celui de la structure qui utilisera le compte.', 4, 1, 0),
('email_generique', 'Adresse email générique', 'Indiquez de préférence une adresse email générique de votre structure (par exemple contact@votre-structure.fr), afin que le compte reste accessible à votre structure.', 5, 1, 0);

COMMIT;
PRAGMA foreign_keys = ON;
