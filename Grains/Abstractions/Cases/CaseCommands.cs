using Rectification.Periods;

namespace Rectification.Cases;

/// <summary>Something a user asks of one case. Each command names its intent; the rules decide.</summary>
[GenerateSerializer, Immutable, Alias("CaseCommand")]
public abstract record CaseCommand
{
    /// <summary>The command's name as history and errors show it (camelCase route words).</summary>
    public abstract string Name { get; }
}

[GenerateSerializer, Immutable, Alias("RecordFinding")]
public sealed record RecordFinding([property: Id(0)] FindingSource Source, [property: Id(1)] string[] Criteria, [property: Id(2)] string? Note) : CaseCommand
{
    public override string Name => "findings";
}

[GenerateSerializer, Immutable, Alias("Propose")]
public sealed record Propose([property: Id(0)] string[] Criteria, [property: Id(1)] string[] Categories, [property: Id(2)] string Reason) : CaseCommand
{
    public override string Name => "proposal";
}

[GenerateSerializer, Immutable, Alias("Review")]
public sealed record Review([property: Id(0)] bool Confirm, [property: Id(1)] string? Note) : CaseCommand
{
    public override string Name => "review";
}

[GenerateSerializer, Immutable, Alias("Approve")]
public sealed record Approve([property: Id(0)] bool Approved, [property: Id(1)] string? Note) : CaseCommand
{
    public override string Name => "approval";
}

[GenerateSerializer, Immutable, Alias("SetPlan")]
public sealed record SetPlan([property: Id(0)] PlannedProblem[] Problems) : CaseCommand
{
    public override string Name => "plan";
}

[GenerateSerializer, Immutable, Alias("PlannedProblem")]
public sealed record PlannedProblem(
    [property: Id(0)] string? Id, [property: Id(1)] string Description, [property: Id(2)] string Criterion,
    [property: Id(3)] string[] Measures, [property: Id(4)] string Target, [property: Id(5)] DateOnly Deadline,
    [property: Id(6)] string Responsible);

[GenerateSerializer, Immutable, Alias("SetAssignment")]
public sealed record SetAssignment([property: Id(0)] Assignment Assignment) : CaseCommand
{
    public override string Name => "assignment";
}

public enum ProblemAction { Resolve, Close, Archive }

[GenerateSerializer, Immutable, Alias("ChangeProblem")]
public sealed record ChangeProblem([property: Id(0)] string ProblemId, [property: Id(1)] ProblemAction Action) : CaseCommand
{
    public override string Name => Action switch
    {
        ProblemAction.Resolve => "resolve",
        ProblemAction.Close => "close",
        _ => "archive",
    };
}

[GenerateSerializer, Immutable, Alias("SubmitMonthlyReport")]
public sealed record SubmitMonthlyReport([property: Id(0)] Period Month, [property: Id(1)] ReportFigures Figures) : CaseCommand
{
    public override string Name => "report";
}

[GenerateSerializer, Immutable, Alias("ReportFigures")]
public sealed record ReportFigures(
    [property: Id(0)] int ProblemsResolved, [property: Id(1)] int MeasuresDone, [property: Id(2)] decimal FundsYuan,
    [property: Id(3)] int Projects, [property: Id(4)] int Trainings, [property: Id(5)] int NewMembers,
    [property: Id(6)] int Activists, [property: Id(7)] int ReserveCadres, [property: Id(8)] string? Narrative);

[GenerateSerializer, Immutable, Alias("SubmitEvaluation")]
public sealed record SubmitEvaluation([property: Id(0)] Period Quarter, [property: Id(1)] int Score, [property: Id(2)] int Class, [property: Id(3)] int Stars, [property: Id(4)] string? Note) : CaseCommand
{
    public override string Name => "evaluation";
}

[GenerateSerializer, Immutable, Alias("ApplyForAcceptance")]
public sealed record ApplyForAcceptance([property: Id(0)] string? Note) : CaseCommand
{
    public override string Name => "acceptance";
}

[GenerateSerializer, Immutable, Alias("DecideAcceptance")]
public sealed record DecideAcceptance([property: Id(0)] bool SignOff, [property: Id(1)] decimal? SatisfactionPercent, [property: Id(2)] string? Note) : CaseCommand
{
    public override string Name => "acceptanceDecision";
}

[GenerateSerializer, Immutable, Alias("Relapse")]
public sealed record Relapse([property: Id(0)] string[] Criteria, [property: Id(1)] string Reason) : CaseCommand
{
    public override string Name => "relapse";
}

/// <summary>
/// A case the region already keeps in its spreadsheets, brought into the system (导入): status up to
/// open, its criteria and lagging categories, the day it entered the ledger, its plan's problems and
/// the four ones. <see cref="Source"/> names the file and row for the history.
/// </summary>
[GenerateSerializer, Immutable, Alias("ImportCase")]
public sealed record ImportCase(
    [property: Id(0)] CaseStatus Status, [property: Id(1)] string[] Criteria, [property: Id(2)] string[] Categories,
    [property: Id(3)] DateOnly? OpenedOn, [property: Id(4)] PlannedProblem[] Problems, [property: Id(5)] Assignment? Assignment,
    [property: Id(6)] string Source) : CaseCommand
{
    public override string Name => "import";

    /// <summary>What was imported, without where from: the same content from the same or another file is the same import.</summary>
    public string ContentHash()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this with { Source = "" });
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(json));
    }
}
