-- The ledger (台账): organizations' profiles with their re-election record, the catalogue of
-- organization categories, and a read model rich enough to list, filter and drill through cases
-- without asking a single grain.

-- Profiles are versioned like cases: an edit names the version it read, and every change is kept.
ALTER TABLE units
    ADD COLUMN version                   integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_by                varchar(200),
    ADD COLUMN election_last_on          date,
    ADD COLUMN election_next_due_on      date,
    ADD COLUMN election_difficult        boolean NOT NULL DEFAULT false,
    ADD COLUMN election_difficult_reason varchar(500),
    ADD COLUMN election_completed_on     date,
    ADD CONSTRAINT units_form_known CHECK (form IS NULL OR form IN ('committee', 'generalBranch', 'branch'));

CREATE TABLE unit_history (
    code    varchar(12)  NOT NULL,
    version integer      NOT NULL,
    at      timestamptz  NOT NULL DEFAULT now(),
    actor   varchar(200) NOT NULL,
    source  varchar(300),            -- "import units.xlsx row 7" when a file made the change
    changes jsonb        NOT NULL,   -- [{field, from, to}]
    PRIMARY KEY (code, version)
);
CREATE TRIGGER unit_history_no_change BEFORE UPDATE OR DELETE ON unit_history
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Every registry change bumps this number; each process's in-memory tree reloads when it differs.
CREATE TABLE registry_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint  NOT NULL
);
INSERT INTO registry_version VALUES (true, 1);

-- Answers to writes that carried an Idempotency-Key and are not a grain's (profiles, imports).
CREATE TABLE idempotency (
    key          varchar(400) NOT NULL PRIMARY KEY,  -- caller and key
    request_hash varchar(64)  NOT NULL,
    status       integer      NOT NULL,
    body         text         NOT NULL,          -- the answer's JSON exactly as first sent
    at           timestamptz  NOT NULL DEFAULT now()
);

-- Organization categories (党组织类别): reference data a region admin extends, as the criteria are.
-- "rural" marks the categories the seeds count as gacha-village (嘎查村) organizations.
CREATE TABLE organization_categories (
    code       varchar(40)  NOT NULL PRIMARY KEY CHECK (code ~ '^[a-z][A-Za-z0-9]{0,39}$'),
    name_zh    varchar(100) NOT NULL,
    name_en    varchar(100) NOT NULL,
    rural      boolean      NOT NULL DEFAULT false,
    sort       integer      NOT NULL DEFAULT 100,
    version    integer      NOT NULL DEFAULT 1,
    updated_by varchar(200),
    updated_at timestamptz  NOT NULL DEFAULT now()
);
INSERT INTO organization_categories (code, name_zh, name_en, rural, sort) VALUES
('rural', '农村(行政村)', 'Rural village', true, 1),
('gacha', '农村牧区(嘎查)', 'Gacha (pastoral village)', true, 2),
('community', '街道社区', 'Urban community', false, 3),
('stateOwnedEnterprise', '国有企业', 'State-owned enterprise', false, 4),
('governmentOrgan', '机关', 'Government organ', false, 5),
('school', '学校', 'School', false, 6),
('hospital', '医疗卫生单位', 'Hospital or health institution', false, 7),
('publicInstitution', '其他事业单位', 'Other public institution', false, 8),
('nonPublicEnterprise', '非公有制经济组织', 'Non-public enterprise', false, 9),
('socialOrganization', '社会组织', 'Social organization', false, 10),
('other', '其他', 'Other', false, 11);

CREATE TABLE organization_category_history (
    code    varchar(40)  NOT NULL,
    version integer      NOT NULL,
    at      timestamptz  NOT NULL DEFAULT now(),
    actor   varchar(200) NOT NULL,
    before  jsonb,
    after   jsonb        NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE TRIGGER organization_category_history_no_change BEFORE UPDATE OR DELETE ON organization_category_history
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The read model keeps what a ledger row shows, and each case's digest: the one definition of every
-- summary figure, so a drill-through lists exactly the cases a figure counts.
ALTER TABLE cases
    ADD COLUMN opened_on           date,
    ADD COLUMN last_report_month   varchar(7),
    ADD COLUMN last_report_on_time boolean,
    ADD COLUMN open_deadlines      date[] NOT NULL DEFAULT '{}',  -- deadlines of problems not yet closed
    ADD COLUMN main_problems       varchar(4000),
    ADD COLUMN measures            varchar(4000),
    ADD COLUMN digest              jsonb;

-- Rows projected before this script have no digest. Marking them version 0 makes the townships'
-- reconciliation see the read model behind the stored cases and have each village re-project itself
-- (deploy/sql/007): the existing healing path backfills the new columns, nothing else is needed.
UPDATE cases SET version = 0;

