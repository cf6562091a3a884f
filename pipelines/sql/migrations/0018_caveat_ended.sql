-- A data check's caveat stops following its figure when the figure it was compared with changes: a month loaded
-- late between it and the month it named, a correction of that month, or a figure of the same month last year
-- arriving. The caveat is kept, with when it ended and the run that found it no longer holds; the run that
-- found what holds now adds its caveat as a new row. Nothing is deleted, so what a figure carried at any time,
-- and what an approved month carried when it was approved, can still be read.
ALTER TABLE figure_caveat ADD COLUMN ended_at TIMESTAMP;      -- NULL while the caveat holds
ALTER TABLE figure_caveat ADD COLUMN ended_by_run INTEGER;    -- the validation_run (scope recheck) that ended it
