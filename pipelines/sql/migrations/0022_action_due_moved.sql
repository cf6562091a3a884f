-- An action's due date moved on (the Board gave more time, or brought it forward). The action keeps the due meeting
-- or day it was agreed with; an update that moves it carries the meeting or the day it is due by from then on, so
-- that the action as it stood on any day (what a pack for a meeting on that day shows) is due by what was agreed
-- by then. Both NULL: an update that leaves the due date as it was.
ALTER TABLE action_update ADD COLUMN due_meeting_id INTEGER;
ALTER TABLE action_update ADD COLUMN due_on DATE;
