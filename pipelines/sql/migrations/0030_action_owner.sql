-- An action handed to a new owner (the one it was agreed with left, or the role changed hands). The action keeps the
-- owner it was agreed with; an update that hands it over carries the owner who holds it from then on, so that who
-- held it on any day (what a pack for a meeting on that day names) is kept, from the update's day, with who recorded
-- it and why (its note). NULL: an update that left the owner as it was. Rows are only ever added.
ALTER TABLE action_update ADD COLUMN owner VARCHAR;
