using System.Diagnostics.Metrics;

namespace Rectification.Hosting;

/// <summary>
/// The domain's own counters, on the meter "Rectification" (exported with the runtime's, ASP.NET
/// Core's, Npgsql's and Orleans' metrics; see docs/operations.md).
/// </summary>
public static class RectificationMetrics
{
    public const string MeterName = "Rectification";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("rectification.case.commands", "{command}",
        "Case commands, by command and outcome (accepted, refused as invalid, forbidden, conflict, ...).");

    public static readonly Counter<long> Reports = Meter.CreateCounter<long>("rectification.reports.received", "{report}",
        "Monthly reports received for the first time, by timeliness (onTime, late).");

    public static readonly Histogram<double> PublishLag = Meter.CreateHistogram<double>("rectification.rollup.publish_lag", "ms",
        "From a change reaching an area's roll-up to its publication upward.");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("rectification.projection.dead_letters", "{item}",
        "Read-model and audit items PostgreSQL refused as data, set aside in projection_dead_letters.");

    public static readonly Counter<long> ProjectionRetries = Meter.CreateCounter<long>("rectification.projection.retries", "{batch}",
        "Read-model batches retried after a failure to reach PostgreSQL.");

    public static readonly Histogram<int> GroupCommitSize = Meter.CreateHistogram<int>("rectification.storage.group_commit_size", "{write}",
        "Case state writes committed together in one transaction.");

    public static readonly Histogram<int> OutboxBatchSize = Meter.CreateHistogram<int>("rectification.rollup.outbox_batch_size", "{digest}",
        "Villages' digests sent to one township in one stream message.");

    public static readonly Counter<long> Sweeps = Meter.CreateCounter<long>("rectification.campaign.sweeps", "{sweep}",
        "Campaign sweeps (screening suggestions and notices) run to the end, by outcome (ok, failed): one every Campaign:SweepMinutes.");

    public static Func<long>? QueueLength { get; set; }

    static RectificationMetrics()
    {
        Meter.CreateObservableGauge("rectification.projection.queue", () => QueueLength?.Invoke() ?? 0, "{item}",
            "Items waiting for the read-model and audit writer of this silo.");
    }
}
