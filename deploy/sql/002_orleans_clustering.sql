-- Cluster membership (Microsoft.Orleans.Clustering.AdoNet). DeploymentId is ClusterOptions.ClusterId.
-- The version row is the membership table's optimistic-concurrency token: every insert or update of a
-- silo row must name the version it read and bumps it in the same statement.
CREATE TABLE orleansmembershipversiontable (
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    timestamp    timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0
);

CREATE TABLE orleansmembershiptable (
    deploymentid varchar(150)  NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)   NOT NULL,
    port         integer       NOT NULL,
    generation   integer       NOT NULL,
    siloname     varchar(150)  NOT NULL,
    hostname     varchar(150)  NOT NULL,
    status       integer       NOT NULL,
    proxyport    integer,
    suspecttimes varchar(8000),
    starttime    timestamptz   NOT NULL,
    iamalivetime timestamptz   NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1)
SELECT count(*)::int FROM inserted;
$q$),

-- Bump the version only when the silo row is new, then insert the row from the bumped version:
-- one statement, so both happen or neither does.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable
       SET version = version + 1, timestamp = now()
     WHERE deploymentid = @DeploymentId AND version = @Version
       AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable
                        WHERE deploymentid = @DeploymentId AND address = @Address
                          AND port = @Port AND generation = @Generation)
    RETURNING deploymentid),
inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    SELECT b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped b
    RETURNING 1)
SELECT count(*)::int FROM inserted;
$q$),

('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable
       SET version = version + 1, timestamp = now()
     WHERE deploymentid = @DeploymentId AND version = @Version
       AND EXISTS (SELECT 1 FROM orleansmembershiptable
                    WHERE deploymentid = @DeploymentId AND address = @Address
                      AND port = @Port AND generation = @Generation)
    RETURNING deploymentid),
updated AS (
    UPDATE orleansmembershiptable m
       SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
      FROM bumped b
     WHERE m.deploymentid = b.deploymentid AND m.address = @Address
       AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT count(*)::int FROM updated;
$q$),

-- Heartbeats never move the alive time backwards and never touch the version.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
   SET iamalivetime = greatest(iamalivetime, @IAmAliveTime)
 WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),

-- The version row must come back even when no silo row matches, hence the outer join.
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m
         ON m.deploymentid = v.deploymentid AND m.address = @Address
        AND m.port = @Port AND m.generation = @Generation
 WHERE v.deploymentid = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId;
$q$),

('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
  FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),

-- Status 6 is Dead. Rows still carrying suspicions are kept for the other silos to read.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId AND status = 6
   AND iamalivetime < @IAmAliveTime AND starttime < @IAmAliveTime
   AND coalesce(suspecttimes, '') = '';
$q$),

-- Deletes one dead row only if it still holds exactly the values the caller read.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId AND status = 6
   AND address = @Address AND port = @Port AND generation = @Generation
   AND starttime = @StartTime AND iamalivetime = @IAmAliveTime
   AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes::text, '');
$q$);
