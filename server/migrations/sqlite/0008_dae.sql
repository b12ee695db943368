-- Defibrillators (DAE): the public fields of the national export, named as in schema-dae. The restricted fields
-- (telephones, emails, maintenance contacts, serial numbers) are never stored. Flags are 0/1 integers, dates
-- AAAA-MM-JJ text (ordered as dates), positions WGS84 degrees.
CREATE TABLE dae (
    gid BIGINT PRIMARY KEY,
    nom TEXT NOT NULL,
    lat_coor1 REAL NOT NULL,
    long_coor1 REAL NOT NULL,
    adr_num TEXT,
    adr_voie TEXT,
    com_cp TEXT,
    com_insee TEXT,
    com_nom TEXT,
    acc TEXT,
    acc_lib BIGINT,
    acc_pcsec BIGINT,
    acc_acc BIGINT,
    acc_etg TEXT,
    acc_complt TEXT,
    photo1 TEXT,
    photo2 TEXT,
    disp_j TEXT,
    disp_h TEXT,
    dispo_horaires TEXT,
    disp_complt TEXT,
    date_instal TEXT,
    etat_fonct TEXT,
    lc_ped BIGINT,
    dtpr_lcped TEXT,
    dtpr_lcad TEXT,
    dtpr_bat TEXT,
    freq_mnt TEXT,
    dispsurv BIGINT,
    dermnt TEXT,
    maj_don TEXT,
    expt_siren TEXT,
    expt_siret TEXT,
    expt_rais TEXT,
    etat TEXT,
    etat_valid TEXT,
    dae_mobile BIGINT
);
CREATE INDEX dae_by_commune ON dae (com_nom, gid);
CREATE INDEX dae_by_insee ON dae (com_insee, gid);
-- Holds what `near` reads first (identifier and position), so that the table is read only for the page.
CREATE INDEX dae_by_position ON dae (lat_coor1, long_coor1, gid);

-- Each import: where from, when, how many records kept and refused.
CREATE TABLE dae_imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    rejected BIGINT NOT NULL
);

-- Bearer tokens of the data API (POST /api/login): only their digest is kept; each lasts 30 minutes and ends
-- with its account's sessions (account disabled, password changed).
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id);
