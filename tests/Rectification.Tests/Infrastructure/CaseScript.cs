using Rectification.Cases;
using Rectification.Units;

namespace Rectification.Tests.Infrastructure;

/// <summary>Commands and actors that walk a case through its life, shared by tests at every level.</summary>
public static class CaseScript
{
    public static readonly Actor TownshipReporter = new("reporter-t", Role.Reporter, UnitLevel.Township);
    public static readonly Actor VillageReporter = new("reporter-v", Role.Reporter, UnitLevel.Village);
    public static readonly Actor BannerReviewer = new("reviewer-b", Role.Reviewer, UnitLevel.Banner);
    public static readonly Actor BannerApprover = new("approver-b", Role.Approver, UnitLevel.Banner);

    public static readonly PlannedProblem Problem = new(null, "Secretary post vacant", "C1", ["Select a secretary"], "Secretary in post",
        new DateOnly(2026, 12, 31), "Township head");

    /// <summary>Applies a command the rules must accept; a refusal fails the test with its reason.</summary>
    public static CaseState Step(CaseState s, CaseCommand c, Actor a, DateTimeOffset now) =>
        Villages.CaseRules.Decide(s, c, a, now, new Periods.DuePolicy()) switch
        {
            Villages.Accepted ok => ok.State,
            Villages.Refused no => throw new Xunit.Sdk.XunitException($"{c.Name} refused: {no.Result.Outcome} {no.Result.Rule} {no.Result.Detail}"),
            _ => throw new InvalidOperationException(),
        };

    /// <summary>The refusal of a command the rules must refuse.</summary>
    public static CaseResult Refusal(CaseState s, CaseCommand c, Actor a, DateTimeOffset now) =>
        Assert.IsType<Villages.Refused>(Villages.CaseRules.Decide(s, c, a, now, new Periods.DuePolicy())).Result;

    /// <summary>The commands that take a new organization to an open case, with who issues each.</summary>
    public static IEnumerable<(CaseCommand Command, Actor Actor)> ToOpen(params string[] criteria)
    {
        yield return (new RecordFinding(FindingSource.SelfCheck, criteria, "screening"), VillageReporter);
        yield return (new Propose(criteria, ["L1"], "meets the criteria"), TownshipReporter);
        yield return (new Review(true, null), BannerReviewer);
        yield return (new Approve(true, null), BannerApprover);
    }
}
