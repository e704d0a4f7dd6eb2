using Rectification.Periods;

namespace Rectification.Cases;

/// <summary>
/// The whole case of one grassroots organization, as stored (JSON in PostgreSQL) and as returned to
/// the API. Immutable: the rules return a new state and the grain stores it.
/// </summary>
[GenerateSerializer, Immutable, Alias("CaseState")]
public sealed record CaseState
{
    [Id(0)] public string Code { get; init; } = "";
    [Id(1)] public CaseStatus Status { get; init; }
    /// <summary>Number of accepted commands; the ETag and the roll-up snapshot version.</summary>
    [Id(2)] public int Version { get; init; }
    [Id(3)] public Finding[] Findings { get; init; } = [];
    /// <summary>Criteria (C1..C6, F1..F4, or catalogue extensions) of the current proposal or case.</summary>
    [Id(4)] public string[] Criteria { get; init; } = [];
    /// <summary>Lagging categories (L1..L4) of the current proposal or case.</summary>
    [Id(5)] public string[] Categories { get; init; } = [];
    [Id(6)] public ProblemItem[] Problems { get; init; } = [];
    [Id(7)] public Assignment? Assignment { get; init; }
    [Id(8)] public MonthlyReport[] Reports { get; init; } = [];
    [Id(9)] public QuarterlyEvaluation[] Evaluations { get; init; } = [];
    [Id(10)] public Acceptance? Acceptance { get; init; }
    [Id(11)] public HistoryEntry[] History { get; init; } = [];
    [Id(12)] public int Relapses { get; init; }
    [Id(13)] public int NextProblemNumber { get; init; } = 1;
    /// <summary>
    /// Idempotency keys recorded before they moved onto the history entries they produced; read, never
    /// added to. (Kept here, every key would be rewritten with every later command, for ever.)
    /// </summary>
    [Id(14)] public IdempotencyEntry[] Idempotency { get; init; } = [];
    /// <summary>Who made the current proposal (初评) and who reviewed it (复核): nobody acts twice on one chain.</summary>
    [Id(15)] public string? ProposedBy { get; init; }
    [Id(16)] public string? ReviewedBy { get; init; }
    /// <summary>After a relapse, problems numbered from here on are the new work acceptance needs.</summary>
    [Id(17)] public int RelapseProblemFloor { get; init; }
    /// <summary>The content of the import that brought this case in, so the same file imported again changes nothing.</summary>
    [Id(18)] public string? ImportedHash { get; init; }
    // The campaign's work around the plan (issue #12); records are never removed, only ended or corrected.
    [Id(19)] public Pairing[] Pairings { get; init; } = [];
    [Id(20)] public Training[] Trainings { get; init; } = [];
    [Id(21)] public SecretaryAction[] SecretaryActions { get; init; } = [];
    [Id(22)] public AccountabilityRecord[] Accountability { get; init; } = [];
    /// <summary>Monthly activity plans, stored one part each like the reports (they accumulate month by month).</summary>
    [Id(23)] public ActivityPlan[] ActivityPlans { get; init; } = [];
    /// <summary>Targets a township set above the defaults, by year; a year not here has <see cref="Cases.MemberTargets.Default"/>.</summary>
    [Id(24)] public MemberTargets[] MemberTargets { get; init; } = [];

    public MemberTargets TargetsFor(int year) => MemberTargets.FirstOrDefault(t => t.Year == year) ?? Cases.MemberTargets.Default(year);
}

[GenerateSerializer, Immutable, Alias("Finding")]
public sealed record Finding([property: Id(0)] FindingSource Source, [property: Id(1)] string[] Criteria, [property: Id(2)] string? Note,
    [property: Id(3)] DateTimeOffset At, [property: Id(4)] string By);

[GenerateSerializer, Immutable, Alias("ProblemItem")]
public sealed record ProblemItem(
    [property: Id(0)] string Id, [property: Id(1)] string Description, [property: Id(2)] string Criterion,
    [property: Id(3)] string[] Measures, [property: Id(4)] string Target, [property: Id(5)] DateOnly Deadline,
    [property: Id(6)] string Responsible, [property: Id(7)] ProblemStatus Status,
    [property: Id(8)] DateTimeOffset? ResolvedAt = null, [property: Id(9)] DateTimeOffset? ClosedAt = null,
    [property: Id(10)] DateTimeOffset? ArchivedAt = null, [property: Id(11)] DateTimeOffset? PlannedAt = null,
    [property: Id(12)] string? ResolvedBy = null, [property: Id(13)] Units.UnitLevel? ResolvedAtLevel = null,
    [property: Id(14)] string? ClosedBy = null, [property: Id(15)] DeadlineChange[]? EarlierDeadlines = null)
{
    /// <summary>The number in the problem's id (P7 → 7): problems are numbered in the order they were added.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Number => int.TryParse(Id.AsSpan(1), out var n) ? n : 0;
}

/// <summary>A deadline that was in force until a plan change replaced it; overdue days before the change keep it.</summary>
[GenerateSerializer, Immutable, Alias("DeadlineChange")]
public sealed record DeadlineChange([property: Id(0)] DateOnly Deadline, [property: Id(1)] DateTimeOffset ReplacedAt);

[GenerateSerializer, Immutable, Alias("Assignment")]
public sealed record Assignment(
    [property: Id(0)] string Leader, [property: Id(1)] string WorkingGroup, [property: Id(2)] HelpingDepartment HelpingDepartment,
    [property: Id(3)] FirstSecretary FirstSecretary);

[GenerateSerializer, Immutable, Alias("HelpingDepartment")]
public sealed record HelpingDepartment([property: Id(0)] string Name, [property: Id(1)] DepartmentType Type);

[GenerateSerializer, Immutable, Alias("FirstSecretary")]
public sealed record FirstSecretary([property: Id(0)] string Name, [property: Id(1)] DateOnly DispatchedOn);

[GenerateSerializer, Immutable, Alias("MonthlyReport")]
public sealed record MonthlyReport(
    [property: Id(0)] Period Month, [property: Id(1)] ReportFigures Figures, [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] DateOnly DueOn, [property: Id(4)] bool OnTime, [property: Id(5)] string By,
    [property: Id(6)] int Revisions = 0);

[GenerateSerializer, Immutable, Alias("QuarterlyEvaluation")]
public sealed record QuarterlyEvaluation(
    [property: Id(0)] Period Quarter, [property: Id(1)] int Score, [property: Id(2)] int Class, [property: Id(3)] int Stars,
    [property: Id(4)] string? Note, [property: Id(5)] DateTimeOffset At, [property: Id(6)] string By, [property: Id(7)] bool OnTime);

[GenerateSerializer, Immutable, Alias("Acceptance")]
public sealed record Acceptance(
    [property: Id(0)] DateTimeOffset AppliedAt, [property: Id(1)] string AppliedBy, [property: Id(2)] string? Note,
    [property: Id(3)] DateTimeOffset? DecidedAt = null, [property: Id(4)] string? Decision = null,
    [property: Id(5)] decimal? SatisfactionPercent = null, [property: Id(6)] string? DecisionNote = null,
    [property: Id(7)] string? DecidedBy = null);

/// <summary>One accepted change: who, when, which command, from which state to which, and what changed.</summary>
[GenerateSerializer, Immutable, Alias("HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] int Version, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string By, [property: Id(3)] Role Role,
    [property: Id(4)] string Command, [property: Id(5)] CaseStatus From, [property: Id(6)] CaseStatus To,
    [property: Id(7)] string Detail, [property: Id(8)] string[]? Criteria = null, [property: Id(9)] string[]? Categories = null,
    [property: Id(10)] string? Note = null, [property: Id(11)] FieldChange[]? Changes = null,
    [property: Id(12)] string? IdempotencyKey = null, [property: Id(13)] string? RequestHash = null);

/// <summary>One field a command changed: its path in the case (<c>reports.2026-10.figures.fundsYuan</c>) and its JSON before and after.</summary>
[GenerateSerializer, Immutable, Alias("FieldChange")]
public sealed record FieldChange([property: Id(0)] string Field, [property: Id(1)] string? From, [property: Id(2)] string? To);

[GenerateSerializer, Immutable, Alias("IdempotencyEntry")]
public sealed record IdempotencyEntry([property: Id(0)] string Key, [property: Id(1)] string RequestHash, [property: Id(2)] CaseAck Ack);
