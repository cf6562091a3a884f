-- Who did what, when, and how: every approval, publication, withdrawal, flag, resolution, commentary,
-- question edit and supersession, whichever page or command did it. Rows are only ever added.
CREATE SEQUENCE audit_event_seq START 1;
CREATE TABLE audit_event (
    event_id   INTEGER PRIMARY KEY DEFAULT nextval('audit_event_seq'),
    acted_at   TIMESTAMP NOT NULL,   -- UTC
    identity   VARCHAR NOT NULL,     -- the e-mail (or subject) the action was done as
    channel    VARCHAR NOT NULL,     -- app (signed in) | cli (the command line) | system (the demo's own set-up)
    os_account VARCHAR,              -- the operating-system account that ran the command (cli only)
    action     VARCHAR NOT NULL,     -- one of pipelines.audit.ACTIONS
    subject    VARCHAR,              -- what it was done to, in words people use: "2015-07", "flag #3", a file name
    detail     VARCHAR               -- the reason, note or text, as given
);
