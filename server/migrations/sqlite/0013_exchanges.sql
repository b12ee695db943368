-- The exchange between reviewers and an applicant about a request: a reviewer's request for a complement, the
-- applicant's answer, and what the answer changed (field by field, before and after, as JSON). Personal data:
-- erased with the request's.

CREATE TABLE registration_messages (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations (id),
    at INTEGER NOT NULL,
    author TEXT NOT NULL CHECK (author IN ('reviewer', 'applicant')),
    actor TEXT NOT NULL,
    body TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX registration_messages_by_registration ON registration_messages (registration_id, id);
