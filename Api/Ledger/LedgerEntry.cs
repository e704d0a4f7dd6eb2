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

    /// <summary>The four ones' county leader and helping department (name, type), for the workload listing.</summary>
    public string? Leader { get; init; }
    public string? HelpingDepartment { get; init; }
    public string? HelpingDepartmentType { get; init; }

    /// <summary>The case's work around its plan (read model <c>work</c>, docs/campaign.md), parsed.</summary>
    public CaseWorkRow? Work { get; init; }
}

/// <summary>The read model's summary of a case's work (pairs, support landed, trainings, 撤换育派, accountability, activity plans).</summary>
public sealed record CaseWorkRow(
    PairRow[] Pairings, int PairsInForce, decimal FundsLandedYuan, int ProjectsLanded, int Trainings, int TrainingDays,
    int SecretaryActions, string? LastSecretaryAction, int Accountability, string? LastActivityPlan, bool? FourOnesFits,
    string[]? ActivityPlanMonths, int[]? ClassThreeYears);

public sealed record PairRow(string Id, string Kind, string Partner, string? PartnerUnit, DateOnly Since, DateOnly? EndedOn);

/// <summary>A unit the row sits under, named.</summary>
public sealed record UnitRef(string Code, string Name);

/// <summary>A ledger row as the API answers it. The secretary only for roles that may see personal data.</summary>
public sealed record LedgerRowDto(
    string Code, string Name, UnitRef? Township, UnitRef? Banner, UnitRef? League, string Status, string[] Criteria, string[] LaggingCategories,
    string? OrganizationCategory, DateOnly? OpenedOn, LedgerProblems Problems, LedgerLastReport? LastReport, bool FourOnesComplete,
    bool ElectionDifficult, int Version, DateTimeOffset UpdatedAt, LedgerSecretary? Secretary, long? FigureValue,
    string? Leader, LedgerDepartment? HelpingDepartment, CaseWorkRow? Work);

public sealed record LedgerDepartment(string Name, string? Type);

public sealed record LedgerProblems(int Open, int Overdue);

public sealed record LedgerLastReport(string Month, bool OnTime);

public sealed record LedgerSecretary(string? Name, string? Contact);
