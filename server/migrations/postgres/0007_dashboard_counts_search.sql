-- The dashboard at any size: the number of requests of each status kept by triggers in the transaction that
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

-- Statement triggers: one change of the counters per statement, however many rows it writes (a row trigger
-- would write the same three rows again for each row of a bulk insert or purge).
CREATE FUNCTION registrations_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO registration_counts (status, n)
            SELECT status, COUNT(*) FROM new_rows GROUP BY status
            ON CONFLICT (status) DO UPDATE SET n = registration_counts.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE registration_counts c SET n = c.n - gone.n
            FROM (SELECT status, COUNT(*) AS n FROM old_rows GROUP BY status) gone
            WHERE c.status = gone.status;
    ELSE
        INSERT INTO registration_counts (status, n)
            SELECT status, SUM(delta) FROM (
                SELECT o.status, -1 AS delta FROM old_rows o JOIN new_rows m ON m.id = o.id
                    WHERE o.status IS DISTINCT FROM m.status
                UNION ALL
                SELECT m.status, 1 FROM old_rows o JOIN new_rows m ON m.id = o.id
                    WHERE o.status IS DISTINCT FROM m.status
            ) moves GROUP BY status
            ON CONFLICT (status) DO UPDATE SET n = registration_counts.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER registrations_counted AFTER INSERT ON registrations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_uncounted AFTER DELETE ON registrations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_recounted AFTER UPDATE ON registrations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registrations_count();

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
