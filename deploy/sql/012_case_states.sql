-- Case states leave Orleans' generic table for two of their own, written by this system's
-- group-committing grain storage (Grains/Grains/Storage/CaseStateStorage.cs):
--
--   case_states  one row a case: its current facts (status, plan, four ones, ...), its version (the
--                ETag), and the keys of its reports and evaluations in the case's order.
--   case_parts   what accumulates over the case's life, one row each: a history entry ('h:' and the
--                version, zero-padded), a monthly report ('r:' and the month), a quarterly evaluation
--                ('e:' and the quarter). A command writes only the parts it added or changed, in the
--                same statement as the state row.
--
-- So a command rewrites what it changed, not everything that ever happened to the case: a case three
-- years old costs about what a new one costs. The version lives in a column, so no trigger has to parse
-- the document to keep case_versions: that is now a view.
CREATE TABLE case_states (
    code            varchar(12) PRIMARY KEY,
    version         integer     NOT NULL,
    state           text        NOT NULL,
    report_keys     text[]      NOT NULL DEFAULT '{}',
    evaluation_keys text[]      NOT NULL DEFAULT '{}',
    written_at      timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 70);

CREATE TABLE case_parts (
    code varchar(12) NOT NULL,
    part varchar(16) NOT NULL,
    doc  text        NOT NULL,
    PRIMARY KEY (code, part)
);

-- Cases stored by the earlier provider move over whole.
CREATE TEMP TABLE stored_cases AS
SELECT convert_from(payloadbinary, 'UTF8')::jsonb AS doc, modifiedon
  FROM orleansstorage
 WHERE graintypestring = 'case' AND payloadbinary IS NOT NULL AND convert_from(payloadbinary, 'UTF8')::jsonb ->> 'Code' IS NOT NULL;

INSERT INTO case_states (code, version, state, report_keys, evaluation_keys, written_at)
SELECT doc ->> 'Code', (doc ->> 'Version')::integer,
       (doc || '{"History": [], "Reports": [], "Evaluations": []}'::jsonb)::text,
       ARRAY(SELECT 'r:' || (r ->> 'Month') FROM jsonb_array_elements(doc -> 'Reports') WITH ORDINALITY AS x(r, n) ORDER BY n),
       ARRAY(SELECT 'e:' || (e ->> 'Quarter') FROM jsonb_array_elements(doc -> 'Evaluations') WITH ORDINALITY AS x(e, n) ORDER BY n),
       modifiedon
  FROM stored_cases;

INSERT INTO case_parts (code, part, doc)
SELECT doc ->> 'Code', 'h:' || lpad(h ->> 'Version', 9, '0'), h::text FROM stored_cases, jsonb_array_elements(doc -> 'History') AS h
UNION ALL
SELECT doc ->> 'Code', 'r:' || (r ->> 'Month'), r::text FROM stored_cases, jsonb_array_elements(doc -> 'Reports') AS r
UNION ALL
SELECT doc ->> 'Code', 'e:' || (e ->> 'Quarter'), e::text FROM stored_cases, jsonb_array_elements(doc -> 'Evaluations') AS e;

DELETE FROM orleansstorage WHERE graintypestring = 'case';
DROP TABLE stored_cases;

DROP TRIGGER orleansstorage_case_version ON orleansstorage;
DROP FUNCTION track_case_version();
DROP TABLE case_versions;
CREATE VIEW case_versions AS SELECT code, version, written_at FROM case_states;
