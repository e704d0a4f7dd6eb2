-- The criteria catalogue: reference data a region extends, not an enum frozen in code.
CREATE TABLE criteria (
    code       varchar(10)  NOT NULL PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{0,9}$'),
    kind       varchar(10)  NOT NULL CHECK (kind IN ('standard', 'focus', 'lagging', 'other')),
    name_zh    varchar(200) NOT NULL,
    name_en    varchar(200) NOT NULL,
    sort       integer      NOT NULL DEFAULT 100,
    updated_at timestamptz  NOT NULL DEFAULT now()
);

INSERT INTO criteria (code, kind, name_zh, name_en, sort) VALUES
('C1', 'standard', '班子配备不齐、书记长期缺职、工作停滞', 'Team incomplete, secretary long vacant, work stalled', 1),
('C2', 'standard', '书记不胜任现职', 'Secretary not competent', 2),
('C3', 'standard', '班子不团结、内耗严重', 'Team disunited, internal friction', 3),
('C4', 'standard', '长期不换届', 'No re-election for a long time', 4),
('C5', 'standard', '组织制度形同虚设、不开展组织活动', 'Rules only on paper, no organizational life', 5),
('C6', 'standard', '服务意识不强、满意率低', 'Poor service, low satisfaction', 6),
('F1', 'focus', '换届选举拉票贿选', 'Canvassing and bribery in elections', 11),
('F2', 'focus', '宗族宗教和黑恶势力干扰渗透', 'Clan, religious or criminal interference', 12),
('F3', 'focus', '村务财务公开和民主管理混乱', 'Chaotic disclosure of village affairs and finances', 13),
('F4', 'focus', '社会治安问题和信访矛盾纠纷集中', 'Concentrated security problems, petitions and disputes', 14),
('L1', 'lagging', '组织软弱涣散', 'Organizationally weak and lax', 21),
('L2', 'lagging', '村务财务管理混乱', 'Chaotic village affairs and finances', 22),
('L3', 'lagging', '经济社会发展落后', 'Economically backward', 23),
('L4', 'lagging', '矛盾问题较为突出', 'Prominent conflicts', 24);

-- The read model: one row per case, written by the village grain after its own durable write and
-- guarded by version, so a retry or a stale write never moves a row backwards.
CREATE TABLE cases (
    code              varchar(12)  NOT NULL PRIMARY KEY REFERENCES units (code),
    status            varchar(24)  NOT NULL,
    criteria          text[]       NOT NULL,
    categories        text[]       NOT NULL,
    problems_open     integer      NOT NULL,
    problems_resolved integer      NOT NULL,
    problems_closed   integer      NOT NULL,
    problems_archived integer      NOT NULL,
    four_ones         boolean      NOT NULL,
    relapses          integer      NOT NULL,
    version           integer      NOT NULL,
    updated_at        timestamptz  NOT NULL
);
CREATE INDEX ix_cases_status ON cases (status);

CREATE TABLE case_reports (
    code           varchar(12)   NOT NULL REFERENCES units (code),
    month          varchar(7)    NOT NULL,
    received_at    timestamptz   NOT NULL,
    on_time        boolean       NOT NULL,
    funds_yuan     numeric(16,2) NOT NULL,
    projects       integer       NOT NULL,
    new_members    integer       NOT NULL,
    activists      integer       NOT NULL,
    reserve_cadres integer       NOT NULL,
    version        integer       NOT NULL,
    PRIMARY KEY (code, month)
);

-- The audit log: every accepted command, who, when, from which state to which. Append-only.
CREATE TABLE case_history (
    code        varchar(12)   NOT NULL,
    version     integer       NOT NULL,
    at          timestamptz   NOT NULL,
    actor       varchar(200)  NOT NULL,
    role        varchar(10)   NOT NULL,
    command     varchar(30)   NOT NULL,
    from_status varchar(24)   NOT NULL,
    to_status   varchar(24)   NOT NULL,
    detail      varchar(4000) NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX ix_case_history_at ON case_history (at);

CREATE FUNCTION case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    RAISE EXCEPTION 'case_history is append-only';
END
$f$;
CREATE TRIGGER case_history_no_change BEFORE UPDATE OR DELETE ON case_history
    FOR EACH ROW EXECUTE FUNCTION case_history_append_only();
