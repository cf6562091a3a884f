-- The accountability loop: the meetings at which the Commissioner holds the force to account, the questions put
-- to it there, what the force answered, the Commissioner's assurance decisions, the actions agreed, the status
-- history of the recommendations that govern this work, and questions the public sent in for a Board.
-- Rows are only ever added: an answer, a decision or an action's progress is a new row, the latest is current,
-- and every earlier one stays to be read.

CREATE SEQUENCE meeting_id_seq START 1;
CREATE TABLE meeting (
    meeting_id      INTEGER PRIMARY KEY DEFAULT nextval('meeting_id_seq'),
    held_on         DATE NOT NULL,
    kind            VARCHAR NOT NULL,    -- pab | district | themed
    title           VARCHAR NOT NULL,    -- "Public Accountability Board", "Rotherham quarterly report", ...
    district        VARCHAR,             -- the district a district's quarterly report is on
    reporting_month DATE,                -- the month whose figures it looks at (the latest accepted before it)
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL   -- UTC
);

-- A question put to the force at a meeting, with the figures it was asked about as they stood then.
CREATE SEQUENCE board_question_seq START 1;
CREATE TABLE board_question (
    question_id   INTEGER PRIMARY KEY DEFAULT nextval('board_question_seq'),
    meeting_id    INTEGER NOT NULL,      -- the meeting it was first put at
    source        VARCHAR NOT NULL,      -- drafted | office | public
    body          VARCHAR NOT NULL,
    measure       VARCHAR,               -- the figures it is about (all three, or none)
    area          VARCHAR,
    period        DATE,                  -- the month
    figures       VARCHAR,               -- JSON: [{"label": ..., "value": ..., "text": ...}] as they stood when asked
    asked_by      VARCHAR NOT NULL,      -- who asks: an identity, or "A member of the public"
    submission_id VARCHAR,               -- the public submission it came from, once moderated
    created_by    VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

-- What the force answered, or that an answer is awaited by a date. The latest row of a question is current.
CREATE SEQUENCE question_answer_seq START 1;
CREATE TABLE question_answer (
    answer_id       INTEGER PRIMARY KEY DEFAULT nextval('question_answer_seq'),
    question_id     INTEGER NOT NULL,
    state           VARCHAR NOT NULL,    -- answered | awaited
    body            VARCHAR,             -- the answer (answered)
    answered_by     VARCHAR,             -- who answered for the force, e.g. "ACC Jones"
    answered_on     DATE,                -- when the force answered
    awaited_by      DATE,                -- when an awaited answer is due
    meeting_id      INTEGER,             -- the meeting it was given at, if at one
    document_name   VARCHAR,             -- an attached document, kept in the file store by its sha256
    document_sha256 VARCHAR,
    document_bytes  BIGINT,
    recorded_by     VARCHAR NOT NULL,
    recorded_at     TIMESTAMP NOT NULL
);

-- The Commissioner's assurance decision on a question, or on a theme of a meeting.
CREATE SEQUENCE assurance_decision_seq START 1;
CREATE TABLE assurance_decision (
    decision_id  INTEGER PRIMARY KEY DEFAULT nextval('assurance_decision_seq'),
    meeting_id   INTEGER NOT NULL,
    question_id  INTEGER,                -- the question decided on, or NULL for a theme
    theme        VARCHAR,                -- the theme decided on, e.g. "Protecting Vulnerable People"
    decision     VARCHAR NOT NULL,       -- assured | partly_assured | not_assured | awaiting_evidence
    rationale    VARCHAR NOT NULL,
    evidence     VARCHAR NOT NULL,       -- JSON: [{"kind": answer|figures|visit|feedback|other, "text": ...}]
    follow_up    DATE,                   -- when it is to be looked at again, if set
    decided_by   VARCHAR NOT NULL,
    decided_at   TIMESTAMP NOT NULL
);

-- An action agreed at a meeting; its progress is action_update, the latest row current.
CREATE SEQUENCE board_action_seq START 1;
CREATE TABLE board_action (
    action_id      INTEGER PRIMARY KEY DEFAULT nextval('board_action_seq'),
    meeting_id     INTEGER NOT NULL,
    question_id    INTEGER,
    body           VARCHAR NOT NULL,
    owner          VARCHAR NOT NULL,
    due_meeting_id INTEGER,              -- due by a meeting, or
    due_on         DATE,                 -- by a date
    created_by     VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE SEQUENCE action_update_seq START 1;
CREATE TABLE action_update (
    update_id  INTEGER PRIMARY KEY DEFAULT nextval('action_update_seq'),
    action_id  INTEGER NOT NULL,
    status     VARCHAR NOT NULL,         -- open | in_progress | closed
    note       VARCHAR NOT NULL,
    on_day     DATE NOT NULL,            -- the day it took effect: the meeting's for the first, else as given
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The status history of each recommendation in pipelines/reference/recommendations.yaml.
CREATE SEQUENCE recommendation_status_seq START 1;
CREATE TABLE recommendation_status (
    status_id      INTEGER PRIMARY KEY DEFAULT nextval('recommendation_status_seq'),
    recommendation VARCHAR NOT NULL,     -- its id in recommendations.yaml
    status         VARCHAR NOT NULL,     -- not_started | in_progress | implemented | evidenced | closed
    evidence       VARCHAR NOT NULL,     -- the judge's own words
    answer_ids     VARCHAR NOT NULL,     -- JSON list of question_answer ids relied on
    decision_ids   VARCHAR NOT NULL,     -- JSON list of assurance_decision ids relied on
    measures       VARCHAR NOT NULL,     -- JSON: each evidencing measure's force status when judged
    judged_by      VARCHAR NOT NULL,
    judged_at      TIMESTAMP NOT NULL
);

-- Questions the public sent for a Board, imported from the public app's inbox. The name and contact are for
-- the office's reply only: they are never published.
CREATE TABLE public_submission (
    submission_id VARCHAR PRIMARY KEY,   -- the inbox file's own id
    received_at   TIMESTAMP NOT NULL,    -- UTC, when the public app took it
    body          VARCHAR NOT NULL,      -- exactly as written
    name          VARCHAR,
    contact       VARCHAR,
    imported_at   TIMESTAMP NOT NULL
);
CREATE SEQUENCE submission_moderation_seq START 1;
CREATE TABLE submission_moderation (
    moderation_id INTEGER PRIMARY KEY DEFAULT nextval('submission_moderation_seq'),
    submission_id VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,      -- accepted | rejected
    edited_body   VARCHAR,               -- the question as the office accepted it
    reason        VARCHAR,               -- why rejected (kept internal)
    question_id   INTEGER,               -- the board_question it became
    moderated_by  VARCHAR NOT NULL,
    moderated_at  TIMESTAMP NOT NULL
);

-- What the Commissioner approved for publication from the loop: its public text as approved. The next
-- publication carries every approval not withdrawn into the snapshot; nothing else of the loop is public.
CREATE SEQUENCE loop_release_seq START 1;
CREATE TABLE loop_release (
    release_id   INTEGER PRIMARY KEY DEFAULT nextval('loop_release_seq'),
    item_kind    VARCHAR NOT NULL,       -- question | answer | decision | recommendation
    item_id      VARCHAR NOT NULL,       -- question_id, answer_id, decision_id or recommendation status_id
    public_text  VARCHAR NOT NULL,       -- JSON: exactly what the public pages show of it
    approved_by  VARCHAR NOT NULL,
    approved_at  TIMESTAMP NOT NULL,
    withdrawn_by VARCHAR,
    withdrawn_at TIMESTAMP
);
