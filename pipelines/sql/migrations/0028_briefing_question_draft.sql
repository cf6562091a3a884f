-- The questions drafted from the figures that a saved list of questions for the Chief Constable (briefing_text, kind
-- questions) was made from: each draft's measure and lead area, kept with the saved question it became, as drafted
-- or in the office's words, so that a question edited before the Board is still known to be about them (the pack's
-- "Asked before" follows it, and it is put at the meeting with its figures); and each draft left out of the list.
CREATE TABLE briefing_question_draft (
    text_id   INTEGER NOT NULL,  -- the saved list of questions
    measure   VARCHAR NOT NULL,
    area      VARCHAR NOT NULL,  -- the draft's lead area: the force or a district
    direction INTEGER NOT NULL,  -- the way its figure going further makes it more pressing (+1, -1; 0 none)
    draft     VARCHAR NOT NULL,  -- its words as drafted
    position  INTEGER            -- the saved question it became (1 the first); NULL: left out of the list
);
