namespace Rectification.Rollup;

/// <summary>
/// A unit's case figures over time, independent of any period: for each counter, day-keyed deltas
/// (day = DateOnly.DayNumber in China time). A digest is additive, so a parent's digest is the sum of
/// its children's, and the summary for any month or quarter is read off it at query time. That is
/// how a new month's figures exist at every level without a single new write.
/// </summary>
/// <param name="Settled">
/// False while the unit (or a unit below it) has not yet reconciled since it was activated, or is
/// reconciling after a silo was lost: its figures may miss acknowledged writes. A case's own digest is always settled.
/// </param>
[GenerateSerializer, Immutable, Alias("Digest")]
public sealed record Digest(
    [property: Id(0)] long Version,
    [property: Id(1)] Dictionary<string, Dictionary<int, long>> Counters,
    [property: Id(2)] bool Settled = true)
{
    public static Digest Empty { get; } = new(0, []);
}

/// <summary>
/// A child's full snapshot on its parent's stream: newer versions replace older ones, never add to them.
/// Sent flat, the form the parent holds it in: three arrays cost far less to serialize than a
/// dictionary per counter, and the parent keeps the very object it received.
/// </summary>
[GenerateSerializer, Immutable, Alias("DigestMessage")]
public sealed record DigestMessage([property: Id(0)] string Child, [property: Id(1)] HeldDigest Digest);
