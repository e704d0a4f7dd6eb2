using Rectification.Cases;
using Rectification.Periods;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

public sealed class CaseTransitionsTests
{
    private static readonly DuePolicy Policy = new();
    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 2, 0, 0, TimeSpan.Zero);

    private static CaseState Step(CaseState s, CaseCommand c, Actor a, DateTimeOffset? now = null) =>
        CaseRules.Decide(s, c, a, now ?? At(11, 20), Policy) switch
        {
            Accepted ok => ok.State,
            Refused no => throw new Xunit.Sdk.XunitException($"{c.Name} refused: {no.Result.Outcome} {no.Result.Detail}"),
            _ => throw new InvalidOperationException(),
        };

    private static CaseResult Refusal(CaseState s, CaseCommand c, Actor a, DateTimeOffset? now = null) =>
        Assert.IsType<Refused>(CaseRules.Decide(s, c, a, now ?? At(11, 20), Policy)).Result;

    private static CaseState Opened() => ToOpen("C1", "C5").Aggregate(new CaseState { Code = "150102001001" }, (s, x) => Step(s, x.Command, x.Actor));

    [Fact]
    public void A_whole_life_from_findings_to_relapse()
    {
        var s = Opened();
        Assert.Equal(CaseStatus.Open, s.Status);
        Assert.Equal(["C1", "C5"], s.Criteria);
        s = Step(s, new SetPlan([Problem, Problem with { Description = "No meetings", Criterion = "C5" }]), TownshipReporter);
        Assert.Equal(["P1", "P2"], s.Problems.Select(p => p.Id));
        foreach (var id in new[] { "P1", "P2" })
        {
            s = Step(s, new ChangeProblem(id, ProblemAction.Resolve), VillageReporter);
            s = Step(s, new ChangeProblem(id, ProblemAction.Close), TownshipReporter);
        }
        s = Step(s, new ApplyForAcceptance("all closed"), TownshipReporter);
        Assert.Equal(CaseStatus.AcceptanceRequested, s.Status);
        s = Step(s, new DecideAcceptance(true, 93.5m, "public satisfied"), BannerReviewer);
        Assert.Equal(CaseStatus.SignedOff, s.Status);
        Assert.Equal(93.5m, s.Acceptance!.SatisfactionPercent);
        s = Step(s, new Relapse(["C3"], "feud again"), BannerReviewer);
        Assert.Equal(CaseStatus.Open, s.Status);
        Assert.Equal(1, s.Relapses);
        Assert.Equal(["C3"], s.Criteria);
        Assert.Equal(s.Version, s.History.Length);
        Assert.Equal(
            ["findings", "proposal", "review", "approval", "plan", "resolve", "close", "resolve", "close", "acceptance", "acceptanceDecision", "relapse"],
            s.History.Select(h => h.Command));
    }

    [Fact]
    public void Acceptance_needs_every_problem_closed()
    {
        var s = Step(Opened(), new SetPlan([Problem]), TownshipReporter);
        var refused = Refusal(s, new ApplyForAcceptance(null), TownshipReporter);
        Assert.Equal(CaseOutcome.Conflict, refused.Outcome);
        Assert.Contains("P1", refused.Detail);
        Assert.Equal(CaseOutcome.Conflict, Refusal(Opened(), new ApplyForAcceptance(null), TownshipReporter).Outcome);
    }

    [Fact]
    public void Rejections_close_the_proposal_and_new_findings_reopen_screening()
    {
        var s = Step(new CaseState(), new RecordFinding(FindingSource.PublicEvaluation, ["C6"], null), VillageReporter);
        s = Step(s, new Propose(["C6"], [], "low satisfaction"), TownshipReporter);
        s = Step(s, new Review(false, "not enough evidence"), BannerReviewer);
        Assert.Equal(CaseStatus.Rejected, s.Status);
        s = Step(s, new RecordFinding(FindingSource.Inspection, ["C6"], "petitions"), BannerReviewer);
        Assert.Equal(CaseStatus.Screened, s.Status);
        s = Step(s, new Propose(["C6"], [], "low satisfaction"), TownshipReporter);
        s = Step(s, new Review(true, null), BannerReviewer);
        s = Step(s, new Approve(false, "committee disagrees"), BannerApprover);
        Assert.Equal(CaseStatus.Rejected, s.Status);
    }

    [Fact]
    public void Return_sends_the_case_back_to_rectifying()
    {
        var s = Step(Opened(), new SetPlan([Problem]), TownshipReporter);
        s = Step(Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter), new ChangeProblem("P1", ProblemAction.Close), TownshipReporter);
        s = Step(s, new ApplyForAcceptance(null), TownshipReporter);
        s = Step(s, new DecideAcceptance(false, null, "villagers unconvinced"), BannerReviewer);
        Assert.Equal(CaseStatus.Open, s.Status);
        Assert.Equal("return", s.Acceptance!.Decision);
    }

    [Fact]
    public void Reports_are_on_time_or_late_by_first_receipt_and_future_months_are_refused()
    {
        var s = ToOpen("C1").Aggregate(new CaseState { Code = "150102001001" }, (st, x) => Step(st, x.Command, x.Actor, At(10, 5)));
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(1, 2, 5000m, 1, 1, 1, 3, 4, "ok")), VillageReporter, At(10, 24));
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-11"), new ReportFigures(0, 1, 0, 0, 0, 0, 0, 0, null)), VillageReporter, At(11, 26));
        Assert.True(s.Reports.Single(r => r.Month.ToString() == "2026-10").OnTime);
        Assert.False(s.Reports.Single(r => r.Month.ToString() == "2026-11").OnTime);

        // A correction after the due date keeps the first receipt, so it stays on time.
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(2, 2, 6000m, 1, 1, 1, 3, 4, "fixed")), VillageReporter, At(11, 26));
        var october = s.Reports.Single(r => r.Month.ToString() == "2026-10");
        Assert.True(october.OnTime);
        Assert.Equal(1, october.Revisions);
        Assert.Equal(6000m, october.Figures.FundsYuan);

        var future = Refusal(s, new SubmitMonthlyReport(Period.Parse("2026-12"), new ReportFigures(0, 0, 0, 0, 0, 0, 0, 0, null)), VillageReporter, At(11, 26));
        Assert.Equal(CaseOutcome.Invalid, future.Outcome);
        Assert.Contains("month", future.Errors!.Keys);
    }

    [Fact]
    public void Bad_input_names_each_field()
    {
        var s = Opened();
        var refused = Refusal(s, new SubmitEvaluation(Period.Parse("2026-Q4"), 101, 4, 11, null), BannerReviewer);
        Assert.Equal(CaseOutcome.Invalid, refused.Outcome);
        Assert.Equal(["class", "score", "stars"], refused.Errors!.Keys.Order());
        var plan = Refusal(s, new SetPlan([Problem with { Description = "", Measures = [] }]), TownshipReporter);
        Assert.Equal(["problems[0].description", "problems[0].measures"], plan.Errors!.Keys.Order());
        var signOff = Refusal(s with { Status = CaseStatus.AcceptanceRequested, Acceptance = new Acceptance(At(11, 1), "t", null) },
            new DecideAcceptance(true, null, null), BannerReviewer);
        Assert.Equal(["satisfactionPercent"], signOff.Errors!.Keys);
    }

    [Fact]
    public void Problems_move_one_step_at_a_time_and_stay_in_the_ledger()
    {
        var s = Step(Opened(), new SetPlan([Problem]), TownshipReporter);
        Assert.Equal(CaseOutcome.Conflict, Refusal(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter).Outcome);
        Assert.Equal(CaseOutcome.NotFound, Refusal(s, new ChangeProblem("P9", ProblemAction.Resolve), VillageReporter).Outcome);
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter);
        // A resolved problem cannot be dropped from the plan, nor edited; a new plan without ids adds problems.
        Assert.Equal(CaseRuleNames.LedgerKeepsProblems, Refusal(s, new SetPlan([Problem]), TownshipReporter).Rule);
        var edit = Refusal(s, new SetPlan([Problem with { Id = "P1", Target = "new target" }]), TownshipReporter);
        Assert.Equal(CaseOutcome.Conflict, edit.Outcome);
        Assert.Contains("P1", edit.Detail);
        s = Step(s, new SetPlan([Problem with { Id = "P1" }, Problem]), TownshipReporter);
        Assert.Equal(["P1", "P2"], s.Problems.Select(p => p.Id));
        Assert.Equal(ProblemStatus.Resolved, s.Problems[0].Status);
    }
}
