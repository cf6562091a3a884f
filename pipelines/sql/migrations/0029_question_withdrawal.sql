-- A question the office takes off the record of what is still to be asked: put by mistake, overtaken, or answered
-- another way. The question's row and everything recorded on it stay; the withdrawal says why, the day it took
-- effect, who recorded it and when. A question withdrawn before a meeting opens is settled for it: it is no longer
-- carried as still open, nor drafted again from the same figures. Rows are only ever added.
CREATE TABLE question_withdrawal (
    question_id  INTEGER NOT NULL,
    reason       VARCHAR NOT NULL,
    on_day       DATE NOT NULL,      -- the day it was withdrawn: a meeting held after it sees it withdrawn
    withdrawn_by VARCHAR NOT NULL,
    withdrawn_at TIMESTAMP NOT NULL  -- UTC
);
