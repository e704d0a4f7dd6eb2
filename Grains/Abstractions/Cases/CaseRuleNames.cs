namespace Rectification.Cases;

/// <summary>
/// The names of the campaign's rules, as refusals carry them (the <c>rule</c> field of a 403 or 409
/// problem detail), so a portal or a script can tell which rule stopped a request.
/// </summary>
public static class CaseRuleNames
{
    /// <summary>The command is not allowed in the case's status (the lifecycle table).</summary>
    public const string Lifecycle = "lifecycle";
    /// <summary>The role or the level of the caller's unit is too low for the command.</summary>
    public const string Authority = "authority";
    /// <summary>Nobody acts twice on one decision chain: proposer ≠ reviewer ≠ approver; applicant ≠ sign-off decider.</summary>
    public const string SeparationOfDuties = "separationOfDuties";
    /// <summary>A resolved problem is closed (销号) by a level above the one that resolved it.</summary>
    public const string CloseAbove = "closeByHigherLevel";
    /// <summary>The problem ledger keeps everything: a plan change never removes a problem nor edits one that is no longer open.</summary>
    public const string LedgerKeepsProblems = "problemLedgerKeepsEverything";
    /// <summary>Every problem closed (or archived) before acceptance is applied for.</summary>
    public const string AllProblemsClosed = "allProblemsClosed";
    /// <summary>After a relapse, acceptance needs at least one problem added after the relapse, closed.</summary>
    public const string RelapseNeedsNewWork = "relapseNeedsNewWork";
    /// <summary>Monthly reports and quarterly evaluations only for periods in which the case was in the ledger.</summary>
    public const string ReportingWindow = "reportingWindow";
    /// <summary>Problem steps in order: resolve an open one, close a resolved one, archive a closed one.</summary>
    public const string ProblemSteps = "problemSteps";
    /// <summary>An import's history goes after what the case already recorded: its day in the ledger is not before the last change.</summary>
    public const string ImportOrder = "importAfterHistory";
    /// <summary>Support lands on, and an end closes, a pair the case has and that was in force that day; one pair per partner at a time.</summary>
    public const string PairingInForce = "pairingInForce";
    /// <summary>An activity plan is for this month or the next (seed 003: 下个月的活动计划), never for a month already past.</summary>
    public const string ActivityPlanWindow = "activityPlanWindow";
}
