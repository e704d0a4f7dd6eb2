-- The audit log keeps the note or reason each command carried (proposal, review, approval, relapse,
-- sign-off) and every field it changed with its value before and after.
ALTER TABLE case_history ADD COLUMN note text, ADD COLUMN changes jsonb;

-- Reference data is versioned: an edit names the version it read (If-Match), and every change is kept.
ALTER TABLE criteria ADD COLUMN version integer NOT NULL DEFAULT 1, ADD COLUMN updated_by varchar(200);

CREATE TABLE criteria_history (
    code    varchar(10)  NOT NULL,
    version integer      NOT NULL,
    at      timestamptz  NOT NULL DEFAULT now(),
    actor   varchar(200) NOT NULL,
    before  jsonb,
    after   jsonb        NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$f$;
CREATE TRIGGER criteria_history_no_change BEFORE UPDATE OR DELETE ON criteria_history
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
