-- Each switch of a published folder's pointer (current.json), recorded in the same transaction as the
-- publication or withdrawal it makes public: a switch a stop left unfinished is finished by the next command
-- that opens the warehouse, so the public side and the warehouse's record never stay apart.
CREATE SEQUENCE pointer_switch_seq START 1;
CREATE TABLE pointer_switch (
    switch_id   INTEGER PRIMARY KEY DEFAULT nextval('pointer_switch_seq'),
    folder      VARCHAR NOT NULL,   -- the published folder, as an absolute path
    action      VARCHAR NOT NULL,   -- publish | withdraw
    version     INTEGER NOT NULL,   -- the snapshot published or withdrawn
    pointer     VARCHAR NOT NULL,   -- what current.json says once switched (JSON)
    previous    VARCHAR NOT NULL,   -- what it said when the switch was recorded (JSON; {} when there was none)
    recorded_at TIMESTAMP NOT NULL, -- UTC
    done_at     TIMESTAMP           -- UTC; NULL until current.json reads as recorded
);
