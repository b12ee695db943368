-- The SIRENE directory at national scale: SIREN as an integer, flags as small integers, and the name index
-- (folded words as lexemes, the rank key ordering matches). Imports replace both tables whole; the server reloads
-- the shipped extract into an empty directory.
DROP TABLE sirene_units;
CREATE TABLE sirene_units (
    siren INTEGER NOT NULL,
    ceased SMALLINT NOT NULL,
    diffusible SMALLINT NOT NULL,
    name TEXT,
    legal_category TEXT,
    CONSTRAINT sirene_units_pkey PRIMARY KEY (siren)
);
CREATE TABLE sirene_names (rank_key BIGINT NOT NULL, words TSVECTOR NOT NULL);
CREATE INDEX sirene_names_words ON sirene_names USING gin (words);
ALTER TABLE sirene_names SET (parallel_workers = 0);
ALTER TABLE sirene_imports ADD COLUMN summary TEXT;
