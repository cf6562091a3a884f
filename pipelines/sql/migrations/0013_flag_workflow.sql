-- What was done about each flag after it was raised, one row per step, never changed: assigned to someone,
-- awaiting the force, answered by a resubmission, resolved. A flag's status is its latest step's; it stays
-- open (following its figure, blocking if it blocks) until resolved, which also fills figure_flag.resolved_*.
CREATE SEQUENCE flag_event_seq START 1;
CREATE TABLE flag_event (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('flag_event_seq'),
    flag_id  INTEGER NOT NULL,
    status   VARCHAR NOT NULL,  -- assigned | awaiting | answered | resolved
    assignee VARCHAR,           -- who it was assigned to (an e-mail address or a name), for assigned
    file_id  INTEGER,           -- the resubmission that answered it (file_registry), for answered
    note     VARCHAR,
    by_user  VARCHAR NOT NULL,
    acted_at TIMESTAMP NOT NULL
);

-- flags resolved before this history was kept: their resolution is their one step
INSERT INTO flag_event (flag_id, status, note, by_user, acted_at)
SELECT flag_id, 'resolved', resolution_note, resolved_by, resolved_at
FROM figure_flag WHERE resolved_at IS NOT NULL ORDER BY resolved_at, flag_id;
