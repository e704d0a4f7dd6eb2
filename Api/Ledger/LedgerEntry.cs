namespace Rectification.Api.Ledger;

/// <summary>One case of the ledger (台账) as the read model holds it, with its organization's profile.</summary>
public sealed record LedgerEntry(
    string Code, string Name, string? ParentCode, string Status, string[] Criteria, string[] LaggingCategories, string? OrganizationCategory,
    DateOnly? OpenedOn, int ProblemsOpen, int ProblemsOverdue, string? LastReportMonth, bool? LastReportOnTime, bool FourOnesComplete,
    bool ElectionDifficult, int Version, DateTimeOffset UpdatedAt, int? Members, string? SecretaryName, string? SecretaryContact,
    string? MainProblems, string? Measures, DateOnly? ElectionCompletedOn, string? ElectionDifficultReason, string? Digest)
{
    /// <summary>The value of the drilled-through figure for this case, when the list was opened at one.</summary>
    public long? FigureValue { get; init; }
}

/// <summary>A unit the row sits under, named.</summary>
public sealed record UnitRef(string Code, string Name);

/// <summary>A ledger row as the API answers it. The secretary only for roles that may see personal data.</summary>
public sealed record LedgerRowDto(
    string Code, string Name, UnitRef? Township, UnitRef? Banner, UnitRef? League, string Status, string[] Criteria, string[] LaggingCategories,
    string? OrganizationCategory, DateOnly? OpenedOn, LedgerProblems Problems, LedgerLastReport? LastReport, bool FourOnesComplete,
    bool ElectionDifficult, int Version, DateTimeOffset UpdatedAt, LedgerSecretary? Secretary, long? FigureValue);

public sealed record LedgerProblems(int Open, int Overdue);

public sealed record LedgerLastReport(string Month, bool OnTime);

public sealed record LedgerSecretary(string? Name, string? Contact);
