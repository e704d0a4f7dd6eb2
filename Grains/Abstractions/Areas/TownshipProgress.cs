using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Areas;

/// <summary>
/// A township's half-monthly progress report on its cases (每半月报送). Corrections keep the first
/// receipt (which decides on time or late) and every earlier revision.
/// </summary>
[GenerateSerializer, Immutable, Alias("TownshipProgress")]
public sealed record TownshipProgress(
    [property: Id(0)] string Township, [property: Id(1)] Period HalfMonth, [property: Id(2)] int CasesVisited,
    [property: Id(3)] int ProblemsResolved, [property: Id(4)] string? Narrative, [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] DateOnly DueOn, [property: Id(7)] bool OnTime, [property: Id(8)] string By, [property: Id(9)] int Revisions = 0,
    [property: Id(10)] ProgressRevision[]? Earlier = null, [property: Id(11)] DateTimeOffset? RevisedAt = null)
{
    /// <summary>The ETag: 1 for the first receipt, one more for each correction.</summary>
    public int Version => Revisions + 1;
}

/// <summary>What a report said before a correction replaced it, who wrote it and when.</summary>
[GenerateSerializer, Immutable, Alias("ProgressRevision")]
public sealed record ProgressRevision([property: Id(0)] int Version, [property: Id(1)] int CasesVisited, [property: Id(2)] int ProblemsResolved,
    [property: Id(3)] string? Narrative, [property: Id(4)] string By, [property: Id(5)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("ProgressInput")]
public sealed record ProgressInput([property: Id(0)] Period HalfMonth, [property: Id(1)] int CasesVisited,
    [property: Id(2)] int ProblemsResolved, [property: Id(3)] string? Narrative);

[GenerateSerializer, Immutable, Alias("ProgressResult")]
public sealed record ProgressResult([property: Id(0)] CaseOutcome Outcome, [property: Id(1)] TownshipProgress? Progress = null,
    [property: Id(2)] string? Detail = null, [property: Id(3)] Dictionary<string, string[]>? Errors = null);

/// <summary>A recent Idempotency-Key of a township's progress reports and the answer it produced.</summary>
[GenerateSerializer, Immutable, Alias("ProgressIdempotency")]
public sealed record ProgressIdempotency([property: Id(0)] string Key, [property: Id(1)] string RequestHash, [property: Id(2)] TownshipProgress Answer);
