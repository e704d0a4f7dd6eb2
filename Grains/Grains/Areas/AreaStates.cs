using Rectification.Rollup;

namespace Rectification.Areas;

/// <summary>Durable duties of an area unit: a township's half-monthly progress reports.</summary>
[GenerateSerializer, Alias("AreaDutiesState")]
public sealed class AreaDutiesState
{
    [Id(0)] public Dictionary<string, TownshipProgress> Progress { get; set; } = [];
    [Id(1)] public ProgressIdempotency[] Idempotency { get; set; } = [];
}

/// <summary>The latest digest of each child, held flat. Persisted lazily: it can always be rebuilt from the children.</summary>
[GenerateSerializer, Alias("AreaRollupState")]
public sealed class AreaRollupState
{
    [Id(0)] public Dictionary<string, HeldDigest> Children { get; set; } = [];

    /// <summary>
    /// Versions of children that moved away, plus one each, so the roll-up's version (the children's sum
    /// plus this) still only grows and the parent takes the smaller snapshot as the newer one.
    /// </summary>
    [Id(1)] public long Retired { get; set; }
}
