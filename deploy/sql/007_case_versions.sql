-- The version of each village's stored case, kept in the same transaction as the grain-state write
-- that produced it. A township reconciles against this, the source of truth: the read model
-- (cases) can lag behind the stored states when a silo dies before its batch writer flushed, and a
-- village only repairs its row when it next activates. Keyed by our own code, not by Orleans' encoding
-- of grain keys.
CREATE TABLE case_versions (
    code       varchar(12) PRIMARY KEY,
    version    integer     NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 50);

-- Room on each page, so that rewriting a row in place (a heap-only update: no new index entries)
-- is the common case for both tables on the acknowledgement path, and for the read model's rows.
ALTER TABLE orleansstorage SET (fillfactor = 70);
ALTER TABLE cases SET (fillfactor = 70);

CREATE FUNCTION track_case_version() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    doc jsonb;
BEGIN
    IF NEW.payloadbinary IS NULL THEN RETURN NULL; END IF;
    doc := convert_from(NEW.payloadbinary, 'UTF8')::jsonb;
    IF doc ->> 'Code' IS NULL OR doc ->> 'Version' IS NULL THEN RETURN NULL; END IF;
    INSERT INTO case_versions (code, version, written_at) VALUES (doc ->> 'Code', (doc ->> 'Version')::integer, now())
    ON CONFLICT (code) DO UPDATE SET version = excluded.version, written_at = excluded.written_at;
    RETURN NULL;
END
$f$;

CREATE TRIGGER orleansstorage_case_version
    AFTER INSERT OR UPDATE OF payloadbinary ON orleansstorage
    FOR EACH ROW WHEN (NEW.graintypestring = 'case')
    EXECUTE FUNCTION track_case_version();

-- Cases stored before this script.
INSERT INTO case_versions (code, version)
SELECT doc ->> 'Code', (doc ->> 'Version')::integer
  FROM (SELECT convert_from(payloadbinary, 'UTF8')::jsonb AS doc
          FROM orleansstorage WHERE graintypestring = 'case' AND payloadbinary IS NOT NULL) s
 WHERE doc ->> 'Code' IS NOT NULL
ON CONFLICT (code) DO NOTHING;
