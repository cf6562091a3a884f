-- The day a file was received, in the office's calendar: today's date in England, or the day a run fixes
-- (PCCDASH_TODAY). The return calendar judges a return on time or late by it. NULL for files loaded before it was
-- kept: their day is read from received_at (in UK time).
ALTER TABLE file_registry ADD COLUMN received_on DATE;
