-- The registry of units: region, leagues, banners, townships and village-level organizations.
-- Codes are the 12-digit statistical division codes, kept as text. The parent is data, not derived
-- from the code's digits, because units get moved and merged.
CREATE TABLE units (
    code              varchar(12)  NOT NULL PRIMARY KEY,
    name              varchar(100) NOT NULL,
    level             varchar(10)  NOT NULL CHECK (level IN ('region', 'league', 'banner', 'township', 'village')),
    parent_code       varchar(12)  REFERENCES units (code),
    category          varchar(20),          -- village level only: rural, gacha, community, other, ...
    urban_rural       smallint,             -- NBS urban-rural classification, village level only
    form              varchar(20),          -- Party organization form: committee, generalBranch, branch
    members           integer CHECK (members >= 0),
    secretary_name    varchar(50),
    secretary_contact varchar(50),
    updated_at        timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX ix_units_parent ON units (parent_code, code);
CREATE INDEX ix_units_level ON units (level);

-- One row per dataset loaded, so a second start loads nothing.
CREATE TABLE registry_loads (
    source    varchar(200) NOT NULL PRIMARY KEY,
    rows      integer      NOT NULL,
    loaded_at timestamptz  NOT NULL DEFAULT now()
);
