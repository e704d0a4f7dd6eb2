using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

/// <summary>The campaign's rules that a user might try to walk around: each bypass is refused and names its rule.</summary>
public sealed class CampaignRulesTests
{
    private static readonly DuePolicy Policy = new();
    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 2, 0, 0, TimeSpan.Zero);
    private static readonly ReportFigures Figures0 = new(0, 1, 100m, 0, 0, 0, 0, 0, null);

    private static CaseState OpenedOn(DateTimeOffset at) =>
        ToOpen("C1").Aggregate(new CaseState { Code = "150102001001" }, (s, x) => Step(s, x.Command, x.Actor, at));

    private static SortedDictionary<string, long> Summary(CaseState s, string period, DateOnly today) =>
        SummaryEvaluator.Evaluate(DigestBuilder.From(s, Policy).Counters, Period.Parse(period), today, Policy);

    [Fact]
    public void A_plan_change_never_removes_a_problem_even_an_open_one()
    {
        var s = Step(OpenedOn(At(10, 5)), new SetPlan([Problem, Problem with { Description = "No meetings" }]), TownshipReporter, At(10, 6));
        var refused = Refusal(s, new SetPlan([Problem with { Id = "P1" }]), TownshipReporter, At(10, 7));
        Assert.Equal(CaseOutcome.Conflict, refused.Outcome);
        Assert.Equal(CaseRuleNames.LedgerKeepsProblems, refused.Rule);
        Assert.Contains("P2", refused.Detail);
    }

    [Theory]
    [InlineData(ProblemAction.Resolve)]
    [InlineData(ProblemAction.Close)]
    [InlineData(ProblemAction.Archive)]
    public void A_problem_that_is_no_longer_open_cannot_be_edited(ProblemAction upTo)
    {
        var s = Step(OpenedOn(At(10, 5)), new SetPlan([Problem]), TownshipReporter, At(10, 6));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(10, 7));
        if (upTo >= ProblemAction.Close) s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(10, 8));
        if (upTo >= ProblemAction.Archive) s = Step(s, new ChangeProblem("P1", ProblemAction.Archive), TownshipReporter, At(10, 9));
        foreach (var edit in new[] { Problem with { Id = "P1", Deadline = new DateOnly(2027, 6, 30) }, Problem with { Id = "P1", Description = "softened" } })
        {
            var refused = Refusal(s, new SetPlan([edit]), TownshipReporter, At(10, 10));
            Assert.Equal(CaseRuleNames.LedgerKeepsProblems, refused.Rule);
            Assert.Contains("P1", refused.Detail);
        }
        // Restating it unchanged while adding another is fine.
        Assert.IsType<Accepted>(CaseRules.Decide(s, new SetPlan([Problem with { Id = "P1" }, Problem]), TownshipReporter, At(10, 10), Policy));
    }

    [Fact]
    public void A_new_deadline_leaves_an_ended_month_as_it_was()
    {
        var s = Step(OpenedOn(At(9, 5)), new SetPlan([Problem with { Deadline = new DateOnly(2026, 9, 30) }]), TownshipReporter, At(9, 6));
        var october = Summary(s, "2026-10", new DateOnly(2026, 11, 10));
        Assert.Equal(1, october["problems.overdue"]);
        // In November the deadline is moved to next year: October keeps its overdue problem, November has none from the change on.
        s = Step(s, new SetPlan([Problem with { Id = "P1", Deadline = new DateOnly(2027, 6, 30) }]), TownshipReporter, At(11, 10));
        Assert.Equal(october, Summary(s, "2026-10", new DateOnly(2026, 11, 10)));
        Assert.Equal(october, Summary(s, "2026-10", new DateOnly(2027, 1, 10)));
        Assert.False(Summary(s, "2026-11", new DateOnly(2026, 12, 1)).ContainsKey("problems.overdue"));
        Assert.Equal(new DateOnly(2026, 9, 30), Assert.Single(s.Problems[0].EarlierDeadlines!).Deadline);
    }

    [Fact]
    public void A_relapse_needs_a_new_problem_closed_before_acceptance()
    {
        var s = Step(OpenedOn(At(3, 5)), new SetPlan([Problem]), TownshipReporter, At(3, 6));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(4, 1));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(4, 2));
        s = Step(s, new ApplyForAcceptance(null), TownshipReporter, At(4, 3));
        s = Step(s, new DecideAcceptance(true, 90, null), BannerReviewer, At(4, 10));
        s = Step(s, new Relapse(["C3"], "feud again"), BannerReviewer, At(6, 1));
        Assert.Equal(CaseStatus.Open, s.Status);
        Assert.Equal(["C3"], s.Criteria);

        var refused = Refusal(s, new ApplyForAcceptance(null), TownshipReporter, At(6, 2));
        Assert.Equal(CaseRuleNames.RelapseNeedsNewWork, refused.Rule);
        s = Step(s, new SetPlan([Problem with { Id = "P1" }, Problem with { Description = "Feud mediated", Criterion = "C3" }]), TownshipReporter, At(6, 3));
        Assert.Equal(CaseRuleNames.AllProblemsClosed, Refusal(s, new ApplyForAcceptance(null), TownshipReporter, At(6, 4)).Rule);
        s = Step(s, new ChangeProblem("P2", ProblemAction.Resolve), VillageReporter, At(6, 5));
        s = Step(s, new ChangeProblem("P2", ProblemAction.Close), TownshipReporter, At(6, 6));
        Assert.Equal(CaseStatus.AcceptanceRequested, Step(s, new ApplyForAcceptance(null), TownshipReporter, At(6, 7)).Status);
    }

    [Fact]
    public void Nobody_acts_twice_on_one_decision_chain()
    {
        var admin = new Actor("chief", Role.Admin, UnitLevel.Banner);
        var s = Step(new CaseState { Code = "150102001001" }, new RecordFinding(FindingSource.SelfCheck, ["C1"], null), VillageReporter, At(10, 1));
        s = Step(s, new Propose(["C1"], ["L1"], "vacant"), admin, At(10, 2));
        var review = Refusal(s, new Review(true, null), admin, At(10, 3));
        Assert.Equal((CaseOutcome.Forbidden, CaseRuleNames.SeparationOfDuties), (review.Outcome, review.Rule));
        s = Step(s, new Review(true, null), BannerReviewer, At(10, 3));
        var approvalByReviewer = Refusal(s, new Approve(true, null), BannerReviewer with { Role = Role.Admin }, At(10, 4));
        Assert.Equal(CaseRuleNames.SeparationOfDuties, approvalByReviewer.Rule);
        Assert.Equal(CaseRuleNames.SeparationOfDuties, Refusal(s, new Approve(true, null), admin, At(10, 4)).Rule);
        // A reviewer alone cannot approve: approval is the county committee's (approver or admin).
        var reviewerRole = Refusal(s, new Approve(true, null), new Actor("other-reviewer", Role.Reviewer, UnitLevel.Banner), At(10, 4));
        Assert.Equal((CaseOutcome.Forbidden, CaseRuleNames.Authority), (reviewerRole.Outcome, reviewerRole.Rule));
        s = Step(s, new Approve(true, null), BannerApprover, At(10, 4));
        Assert.Equal(CaseStatus.Open, s.Status);

        s = Step(s, new SetPlan([Problem]), TownshipReporter, At(10, 5));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), TownshipReporter, At(10, 6));
        // Resolved at township level: the township cannot close it, the banner can.
        var sameLevel = Refusal(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter with { Sub = "another-township-user" }, At(10, 7));
        Assert.Equal((CaseOutcome.Forbidden, CaseRuleNames.CloseAbove), (sameLevel.Outcome, sameLevel.Rule));
        Assert.Equal(CaseRuleNames.CloseAbove, Refusal(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter with { Level = UnitLevel.Banner }, At(10, 7)).Rule);
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), BannerReviewer, At(10, 7));
        Assert.Equal("reviewer-b", s.Problems[0].ClosedBy);

        s = Step(s, new ApplyForAcceptance(null), admin, At(10, 8));
        Assert.Equal(CaseRuleNames.SeparationOfDuties, Refusal(s, new DecideAcceptance(true, 95, null), admin, At(10, 9)).Rule);
        Assert.Equal(CaseStatus.SignedOff, Step(s, new DecideAcceptance(true, 95, null), BannerReviewer, At(10, 9)).Status);
    }

    [Fact]
    public void A_village_cannot_close_its_own_problem()
    {
        var s = Step(OpenedOn(At(10, 5)), new SetPlan([Problem]), TownshipReporter, At(10, 6));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(10, 7));
        Assert.Equal((CaseOutcome.Forbidden, CaseRuleNames.Authority),
            (Refusal(s, new ChangeProblem("P1", ProblemAction.Close), VillageReporter, At(10, 8)) is var r ? (r.Outcome, r.Rule) : default));
        Assert.Equal(ProblemStatus.Closed, Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(10, 8)).Problems[0].Status);
    }

    [Fact]
    public void Monthly_reports_only_for_months_in_the_ledger()
    {
        var s = OpenedOn(At(10, 5));
        var before = Refusal(s, new SubmitMonthlyReport(Period.Parse("2026-09"), Figures0), VillageReporter, At(10, 6));
        Assert.Equal((CaseOutcome.Conflict, CaseRuleNames.ReportingWindow), (before.Outcome, before.Rule));
        Assert.Contains("2026-10-05", before.Detail);
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), Figures0), VillageReporter, At(10, 6));
        // Signed off in December, relapsed in March: February is outside the ledger, March is inside.
        s = Step(s, new SetPlan([Problem]), TownshipReporter, At(10, 7));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(11, 1));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(11, 2));
        s = Step(s, new ApplyForAcceptance(null), TownshipReporter, At(11, 3));
        s = Step(s, new DecideAcceptance(true, 90, null), BannerReviewer, At(12, 10));
        var march = new DateTimeOffset(2027, 3, 3, 2, 0, 0, TimeSpan.Zero);
        s = Step(s, new Relapse(["C2"], "again"), BannerReviewer, march);
        Assert.Equal(CaseRuleNames.ReportingWindow, Refusal(s, new SubmitMonthlyReport(Period.Parse("2027-02"), Figures0), VillageReporter, march).Rule);
        Step(s, new SubmitMonthlyReport(Period.Parse("2026-12"), Figures0), VillageReporter, march);
        Step(s, new SubmitMonthlyReport(Period.Parse("2027-03"), Figures0), VillageReporter, march);
    }

    [Fact]
    public void A_case_opened_after_the_due_day_owes_its_first_report_next_month_and_is_never_missing_before()
    {
        var s = OpenedOn(At(10, 27));
        var october = Summary(s, "2026-10", new DateOnly(2026, 12, 1));
        Assert.Equal(1, october["cases.active"]);
        Assert.False(october.ContainsKey("reports.due"));
        Assert.False(october.ContainsKey("reports.missing"));
        var november = Summary(s, "2026-11", new DateOnly(2026, 12, 1));
        Assert.Equal(1, november["reports.due"]);
        Assert.Equal(1, november["reports.missing"]);
        // A report for October is still welcome, and counts as late, not as owed.
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), Figures0), VillageReporter, At(10, 28));
        october = Summary(s, "2026-10", new DateOnly(2026, 12, 1));
        Assert.Equal(1, october["reports.late"]);
        Assert.False(october.ContainsKey("reports.missing"));
        // On the due day itself the case owes that month's report.
        Assert.Equal(1, Summary(OpenedOn(At(10, 25)), "2026-10", new DateOnly(2026, 11, 1))["reports.missing"]);
    }

    [Fact]
    public void Quarterly_evaluations_from_the_quarters_last_month_and_only_for_quarters_in_the_ledger()
    {
        var s = OpenedOn(At(10, 5));
        var early = Refusal(s, new SubmitEvaluation(Period.Parse("2026-Q4"), 80, 2, 6, null), BannerReviewer, At(11, 30));
        Assert.Equal(CaseRuleNames.ReportingWindow, early.Rule);
        Assert.Contains("2026-12", early.Detail);
        Assert.Equal(CaseRuleNames.ReportingWindow, Refusal(s, new SubmitEvaluation(Period.Parse("2026-Q3"), 80, 2, 6, null), BannerReviewer, At(12, 1)).Rule);
        Assert.Single(Step(s, new SubmitEvaluation(Period.Parse("2026-Q4"), 80, 2, 6, null), BannerReviewer, At(12, 1)).Evaluations);
    }

    [Fact]
    public void Every_correction_keeps_its_old_value_and_every_note_is_kept()
    {
        var s = OpenedOn(At(10, 5));
        Assert.Equal("meets the criteria", s.History.Single(h => h.Command == "proposal").Note);
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), Figures0), VillageReporter, At(10, 6));
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), Figures0 with { FundsYuan = 2500.5m }), VillageReporter, At(10, 7));
        Assert.Equal([("reports.2026-10.figures.fundsYuan", "100", "2500.5"), ("reports.2026-10.revisions", "0", "1")],
            s.History[^1].Changes!.Select(c => (c.Field, c.From, c.To)));

        s = Step(s, new SetPlan([Problem]), TownshipReporter, At(10, 8));
        s = Step(s, new SetPlan([Problem with { Id = "P1", Target = "Elected and trained" }]), TownshipReporter, At(10, 9));
        var target = Assert.Single(s.History[^1].Changes!);
        Assert.Equal(("problems.P1.target", "\"Secretary in post\"", "\"Elected and trained\""), (target.Field, target.From, target.To));

        s = Step(s, new SetAssignment(new Assignment("Li", "G1", new HelpingDepartment("Org dept", DepartmentType.PartyMass), new FirstSecretary("Zhao", new DateOnly(2026, 3, 1)))), TownshipReporter, At(10, 10));
        s = Step(s, new SetAssignment(new Assignment("Wang", "G1", new HelpingDepartment("Org dept", DepartmentType.PartyMass), new FirstSecretary("Zhao", new DateOnly(2026, 3, 1)))), TownshipReporter, At(10, 11));
        Assert.Equal(("assignment.leader", "\"Li\"", "\"Wang\""), s.History[^1].Changes!.Select(c => (c.Field, c.From, c.To)).Single());
    }
}
