-- A meeting moved to another day (put back, brought forward, or its date put right). The meeting's row says the
-- day it is on now; each move keeps the day it was on before, why, who moved it and when.
CREATE SEQUENCE meeting_move_seq START 1;
CREATE TABLE meeting_move (
    move_id     INTEGER PRIMARY KEY DEFAULT nextval('meeting_move_seq'),
    meeting_id  INTEGER NOT NULL,
    from_day    DATE NOT NULL,
    to_day      DATE NOT NULL,
    reason      VARCHAR NOT NULL,
    moved_by    VARCHAR NOT NULL,
    moved_at    TIMESTAMP NOT NULL   -- UTC
);
