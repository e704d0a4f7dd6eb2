namespace Rectification.Rollup;

/// <summary>
/// The roll-up of one unit's subtree for one period, as flat named figures
/// (<c>cases.byStatus.open</c>, <c>byCriterion.C1</c>, <c>support.fundsFen</c>...). Money is kept in fen
/// (0.01 yuan) so every figure is an exact integer and sums exactly.
/// </summary>
[GenerateSerializer, Immutable, Alias("SummaryResult")]
public sealed record SummaryResult(
    [property: Id(0)] string Unit,
    [property: Id(1)] string Period,
    [property: Id(2)] DateTimeOffset AsOf,
    [property: Id(3)] long Version,
    [property: Id(4)] SortedDictionary<string, long> Figures,
    [property: Id(5)] bool Settled = true);
