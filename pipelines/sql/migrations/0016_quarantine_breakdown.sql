-- A refused row of a breakdown is kept with the dimension it broke the measure down by and the category as
-- written, so that the refused file can be judged again (data docs) and read as it was sent.
ALTER TABLE quarantine ADD COLUMN dimension VARCHAR;
ALTER TABLE quarantine ADD COLUMN category_text VARCHAR;
ALTER TABLE quarantine ADD COLUMN category_column VARCHAR;
