-- What the office writes for a Public Accountability Board briefing: a commentary per measure and the
-- questions for the Chief Constable. Nothing is overwritten: each save adds a row, the latest is current.
CREATE SEQUENCE briefing_text_seq START 1;
CREATE TABLE briefing_text (
    text_id    INTEGER PRIMARY KEY DEFAULT nextval('briefing_text_seq'),
    period     DATE NOT NULL,        -- the reporting month the briefing is about
    kind       VARCHAR NOT NULL,     -- commentary | questions
    measure    VARCHAR,              -- the measure a commentary is on; NULL for the questions
    body       VARCHAR NOT NULL,
    written_by VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL
);
