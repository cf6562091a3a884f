-- A meeting called off before it was held. Its row stays (what was first due by it still names it); the
-- cancellation says why, who recorded it and when, and the meeting the questions put to it and the actions due by
-- it were carried to (NULL when nothing was). A cancelled meeting is offered for nothing more, and no pack or
-- "since the last meeting" treats it as held.
CREATE TABLE meeting_cancel (
    meeting_id   INTEGER NOT NULL,
    reason       VARCHAR NOT NULL,
    carried_to   INTEGER,
    cancelled_by VARCHAR NOT NULL,
    cancelled_at TIMESTAMP NOT NULL   -- UTC
);
