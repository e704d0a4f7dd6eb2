-- Grain state (Microsoft.Orleans.Persistence.AdoNet). The ETag is the integer version: 1 on the first
-- write, +1 on each later write or clear. A write that names a stale version changes nothing and
-- returns the stored version unchanged, which the provider reports as an InconsistentStateException.
CREATE TABLE orleansstorage (
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,  -- the persistent-state name, not the grain class
    grainidextensionstring varchar(512),           -- the string key
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea,
    modifiedon             timestamptz  NOT NULL DEFAULT now(),
    version                integer
);

-- Unlike the upstream schema this key is unique, so two racing first writes cannot both succeed.
CREATE UNIQUE INDEX ux_orleansstorage_key ON orleansstorage
    (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, grainidextensionstring)
    NULLS NOT DISTINCT;

CREATE FUNCTION orleans_write_state(
    p_idhash integer, p_n0 bigint, p_n1 bigint, p_typehash integer, p_type varchar,
    p_ext varchar, p_service varchar, p_version integer, p_payload bytea)
RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
    v integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                    grainidextensionstring, serviceid, payloadbinary, version)
        VALUES (p_idhash, p_n0, p_n1, p_typehash, p_type, p_ext, p_service, p_payload, 1)
        ON CONFLICT DO NOTHING;
        IF FOUND THEN RETURN 1; END IF;
        RETURN NULL;  -- someone else wrote first: a conflict
    END IF;
    UPDATE orleansstorage
       SET payloadbinary = p_payload, version = version + 1, modifiedon = now()
     WHERE grainidhash = p_idhash AND graintypehash = p_typehash AND serviceid = p_service
       AND grainidn0 = p_n0 AND grainidn1 = p_n1 AND graintypestring = p_type
       AND grainidextensionstring IS NOT DISTINCT FROM p_ext
       AND version = p_version
    RETURNING version INTO v;
    RETURN v;  -- NULL when the version did not match: a conflict
END
$f$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payloadbinary, version
  FROM orleansstorage
 WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
   AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar;
$q$),

('WriteToStorageKey', $q$
SELECT orleans_write_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                           @GrainIdExtensionString::varchar, @ServiceId, @GrainStateVersion::integer,
                           @PayloadBinary) AS newgrainstateversion;
$q$),

('ClearStorageKey', $q$
SELECT orleans_write_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                           @GrainIdExtensionString::varchar, @ServiceId, @GrainStateVersion::integer,
                           NULL) AS newgrainstateversion;
$q$),

('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleansstorage
     WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString
       AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
       AND version = @GrainStateVersion::integer
    RETURNING version)
SELECT (SELECT version FROM deleted) + 1 AS newgrainstateversion;
$q$);
