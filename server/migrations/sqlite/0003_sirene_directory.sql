-- The SIRENE directory moves to a file of its own beside the database (`<name>-sirene.db`), written whole by each
-- import and swapped in by a rename; the server reloads it from the shipped extract when it is missing.
DROP TABLE sirene_units;
ALTER TABLE sirene_imports ADD COLUMN summary TEXT;
