-- The day a recommendation is due to be implemented by, as the office tracks it (a report's timescale, or one the
-- Board agreed). A recommendation has none until one is given; a later row gives it a new one, and every earlier one
-- stays, with who gave it and when. Rows are only ever added.
CREATE TABLE recommendation_due (
    recommendation VARCHAR NOT NULL,     -- its id in recommendations.yaml
    due_on         DATE NOT NULL,        -- the day it is due to be implemented by
    set_by         VARCHAR NOT NULL,
    set_at         TIMESTAMP NOT NULL    -- UTC
);
