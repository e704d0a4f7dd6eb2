-- Screening suggestions and notices (issue #12, docs/campaign.md). Both are produced by the campaign
-- sweep (an Orleans reminder), from facts the system already holds; each fact is suggested or noticed
-- once: its key is unique, and a sweep that finds it again inserts nothing.

-- A suggestion that an organization meets a criterion, with the fact behind it (摸底排查). Accepted into
-- the case's findings or dismissed with a reason; either way the row is kept, and the same fact is
-- never suggested again.
CREATE TABLE screening_suggestions (
    id          bigserial    PRIMARY KEY,
    code        varchar(12)  NOT NULL REFERENCES units (code),
    rule        varchar(40)  NOT NULL CHECK (rule IN ('secretaryVacant', 'electionOverdue', 'classThree', 'relapsedTwice')),
    fact_key    varchar(100) NOT NULL,               -- what makes this fact this fact: a date, a year, a count
    criteria    text[]       NOT NULL,               -- the criteria it suggests (may be empty: the screener names them)
    fact        text         NOT NULL,               -- the fact, as the township reads it
    fact_on     date,                                -- the day the fact dates from
    created_at  timestamptz  NOT NULL DEFAULT now(),
    status      varchar(20)  NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'dismissed')),
    decided_at  timestamptz,
    decided_by  varchar(200),
    reason      text,                                -- why dismissed, or the note of the finding
    finding_criteria text[],                         -- the criteria the accepted finding recorded
    case_version integer,                            -- the case version the accepted finding produced
    UNIQUE (code, rule, fact_key)
);
CREATE INDEX ix_suggestions_open ON screening_suggestions (code) WHERE status = 'open';

-- The inbox (催办): one notice per recipient unit and fact. delivered_* is the webhook's outbox.
CREATE TABLE notices (
    id           bigserial    PRIMARY KEY,
    unit         varchar(12)  NOT NULL REFERENCES units (code),   -- whose inbox
    level        varchar(20)  NOT NULL,                           -- the recipient's level, for the region's counts
    kind         varchar(40)  NOT NULL,
    subject      varchar(12)  NOT NULL,                           -- the organization it is about
    fact_key     varchar(100) NOT NULL,
    title        text         NOT NULL,
    detail       text,
    due_on       date,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    read_at      timestamptz,
    read_by      varchar(200),
    delivered_at timestamptz,
    attempts     integer      NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error   text,
    UNIQUE (unit, kind, subject, fact_key)
);
CREATE INDEX ix_notices_inbox ON notices (unit, id);
CREATE INDEX ix_notices_outbox ON notices (next_attempt_at) WHERE delivered_at IS NULL;
