namespace Rectification.Api.Imports;

/// <summary>What became of one row: created, updated, unchanged or rejected, and why.</summary>
public sealed record RowOutcome(int Row, string? Code, string Outcome, IReadOnlyList<RowReason> Reasons)
{
    public static RowOutcome Rejected(int row, string? code, params RowReason[] reasons) => new(row, code, "rejected", reasons);
}

public sealed record RowReason(string Field, string Message);

/// <summary>
/// An import's answer: every row's outcome. All or nothing: when any row is rejected, nothing was
/// applied (<c>applied: false</c>); a dry run never applies.
/// </summary>
public sealed record ImportReport(string Kind, string? File, bool DryRun, bool Applied, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<RowOutcome> Rows)
{
    public static ImportReport Of(string kind, string? file, bool dryRun, bool applied, IReadOnlyList<RowOutcome> rows) =>
        new(kind, file, dryRun, applied,
            new[] { "created", "updated", "unchanged", "rejected" }.ToDictionary(o => o, o => rows.Count(r => r.Outcome == o)), rows);

    public bool HasRejections => Rows.Any(r => r.Outcome == "rejected");
}
