-- Reminders (Microsoft.Orleans.Reminders.AdoNet). GrainId holds GrainId.ToString(), "type/key".
CREATE TABLE orleansreminderstable (
    serviceid    varchar(150) NOT NULL,
    grainid      varchar(150) NOT NULL,
    remindername varchar(150) NOT NULL,
    starttime    timestamptz  NOT NULL,
    period       bigint       NOT NULL,  -- milliseconds
    grainhash    integer      NOT NULL,
    version      integer      NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);
CREATE INDEX ix_orleansreminderstable_hash ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
   SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash,
       version = orleansreminderstable.version + 1
RETURNING version;
$q$),

('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId AND grainid = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName;
$q$),

-- The ring range (BeginHash, EndHash], compared as signed integers.
('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash;
$q$),

-- The same range when it wraps around the end of the ring.
('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$q$),

('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable
     WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName
       AND version = @Version
    RETURNING 1)
SELECT count(*)::int FROM deleted;
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$q$);
