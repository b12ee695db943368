-- The dashboard at any size: the number of requests of each status kept by a trigger in the transaction that
-- changes it (the first page reads three rows instead of counting the table), and a trigram index of the
-- searched text (`LIKE '%…%'` is answered from the index instead of reading every request).
CREATE TABLE registration_counts (
    status TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO registration_counts (status, n) VALUES ('pending', 0), ('approved', 0), ('refused', 0);
INSERT INTO registration_counts (status, n)
    SELECT status, COUNT(*) FROM registrations GROUP BY status
    ON CONFLICT (status) DO UPDATE SET n = excluded.n;

CREATE FUNCTION registrations_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE registration_counts SET n = n - 1 WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO registration_counts (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = registration_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER registrations_counted AFTER INSERT OR DELETE ON registrations
    FOR EACH ROW EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_recounted AFTER UPDATE OF status ON registrations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION registrations_count();

-- pg_trgm ships with PostgreSQL and is a trusted extension (the database's owner may create it). Where it
-- cannot be created, the search still works, reading the requests.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX registrations_search ON registrations USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE WARNING 'pg_trgm is not available (%): the dashboard search reads every request', SQLERRM;
END
$$;
