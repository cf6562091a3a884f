-- The totals a force stated for itself in an accepted file (a wide sheet's Total column), one row per measure
-- and month, with the cell it was written in: a force figure can then be traced to what the force wrote, not only
-- to its districts' sum. Kept for counts only, the totals checked against their districts when the file was
-- loaded; a refused file keeps none. Rows are only ever added; files accepted before this table existed left
-- none, as their totals were not kept.
CREATE TABLE force_total (
    file_id       INTEGER NOT NULL,  -- the accepted file that stated it (file_registry)
    period        DATE NOT NULL,     -- the first day of the month the total is for
    measure       VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,   -- the cell's text read as a number
    source_sheet  VARCHAR,           -- XLSX sheet, NULL for CSV
    source_row    INTEGER NOT NULL,  -- row as a spreadsheet numbers it
    source_column VARCHAR NOT NULL   -- the Total column's heading as written ("Total", "Force total")
);
