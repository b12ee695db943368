-- The dashboard at any size: the number of requests of each status kept by triggers in the transaction that
-- changes it (the first page reads three rows instead of counting the table), and a trigram index of the
-- searched text (a substring is found from the index instead of reading every request).
CREATE TABLE registration_counts (
    status TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO registration_counts (status, n) VALUES ('pending', 0), ('approved', 0), ('refused', 0);
INSERT INTO registration_counts (status, n)
    SELECT status, COUNT(*) FROM registrations WHERE true GROUP BY status
    ON CONFLICT (status) DO UPDATE SET n = excluded.n;

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

-- External content: the index holds the trigrams, the text stays in `registrations`.
CREATE VIRTUAL TABLE registrations_search USING fts5 (
    search_text, content = 'registrations', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO registrations_search (registrations_search) VALUES ('rebuild');

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
