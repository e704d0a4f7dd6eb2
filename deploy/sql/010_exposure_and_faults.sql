-- Security and faults: the record of personal-data reads, and the read-model items that could not be written.

-- Who read whose personal data (secretaries' contacts), when, through which route. Append-only.
CREATE TABLE personal_data_reads (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz  NOT NULL DEFAULT now(),
    actor  varchar(200) NOT NULL,
    role   varchar(10)  NOT NULL,
    route  varchar(300) NOT NULL,
    units  text[]       NOT NULL
);
CREATE INDEX ix_personal_data_reads_at ON personal_data_reads (at);
CREATE TRIGGER personal_data_reads_no_change BEFORE UPDATE OR DELETE ON personal_data_reads
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- A read-model or audit item that PostgreSQL refuses as data (not a connection failure) is set aside
-- here instead of holding up every later item of its silo; reconciliation and the next write of the
-- case re-project it, and operators see the count in the metrics.
CREATE TABLE projection_dead_letters (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz   NOT NULL DEFAULT now(),
    code    varchar(12)   NOT NULL,
    version integer       NOT NULL,
    error   varchar(2000) NOT NULL,
    state   jsonb
);
CREATE UNIQUE INDEX ux_projection_dead_letters ON projection_dead_letters (code, version);
