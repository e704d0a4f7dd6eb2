using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;
using Rectification.Villages;

namespace Rectification.Tests.Domain;

/// <summary>Every (state, command, role) combination, checked against the lifecycle table.</summary>
public sealed class CaseRulesTableTests
{
    // December: October's report and Q4's evaluation are both within their windows for a case in the ledger since September.
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);
    private static readonly DuePolicy Policy = new();

    /// <summary>One valid sample of each command, with the problem status it needs (if any).</summary>
    private static readonly (CaseCommand Command, ProblemStatus Problem)[] Samples =
    [
        (new RecordFinding(FindingSource.FieldInvestigation, ["C1"], null), ProblemStatus.Open),
        (new Propose(["C1"], ["L1"], "reason"), ProblemStatus.Open),
        (new Review(true, null), ProblemStatus.Open),
        (new Approve(true, null), ProblemStatus.Open),
        (new SetPlan([new PlannedProblem("P1", "d", "C1", ["m"], "t", new DateOnly(2026, 12, 1), "r")]), ProblemStatus.Open),
        (new SetAssignment(new Assignment("leader", "group", new HelpingDepartment("dept", DepartmentType.PartyMass), new FirstSecretary("fs", new DateOnly(2026, 3, 1)))), ProblemStatus.Open),
        (new ChangeProblem("P1", ProblemAction.Resolve), ProblemStatus.Open),
        (new ChangeProblem("P1", ProblemAction.Close), ProblemStatus.Resolved),
        (new ChangeProblem("P1", ProblemAction.Archive), ProblemStatus.Closed),
        (new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(1, 1, 0, 0, 0, 0, 0, 0, null)), ProblemStatus.Open),
        (new SubmitEvaluation(Period.Parse("2026-Q4"), 80, 2, 6, null), ProblemStatus.Open),
        (new ApplyForAcceptance(null), ProblemStatus.Closed),
        (new DecideAcceptance(true, 90, null), ProblemStatus.Open),
        (new Relapse(["C3"], "again"), ProblemStatus.Open),
        (new ImportCase(CaseStatus.Open, ["C1"], ["L1"], new DateOnly(2026, 10, 1), [], null, "cases.xlsx row 2"), ProblemStatus.Open),
        (new AddPairing(PairingKind.Enterprise, "伊利集团", null, new DateOnly(2026, 11, 1), null), ProblemStatus.Open),
        (new LandSupport("J1", new DateOnly(2026, 11, 20), 50000m, 1, null), ProblemStatus.Open),
        (new EndPairing("J1", new DateOnly(2026, 12, 1), "task done"), ProblemStatus.Open),
        (new SetMemberTargets(new MemberTargets(2026, 2, 3, 4)), ProblemStatus.Open),
        (new RecordTraining("张三", TraineeRole.Secretary, "党务知识", new DateOnly(2026, 11, 10), 3, "县委组织部"), ProblemStatus.Open),
        (new RecordSecretaryAction(SecretaryActionKind.Replace, new DateOnly(2026, 11, 5), "李四", "王五", "13900000000", null, null), ProblemStatus.Open),
        (new RecordAccountability("赵六", "村党支部书记", AccountabilityMeasure.AdmonishmentTalk, new DateOnly(2026, 11, 15), "组织生活不正常", null), ProblemStatus.Open),
        (new SubmitActivityPlan(Period.Parse("2027-01"), [new PlannedActivity(new DateOnly(2027, 1, 10), "主题党日", null)]), ProblemStatus.Open),
    ];

    public static TheoryData<CaseStatus, int, Role> Combinations()
    {
        var data = new TheoryData<CaseStatus, int, Role>();
        foreach (var s in Enum.GetValues<CaseStatus>())
            for (var c = 0; c < Samples.Length; c++)
                foreach (var r in Enum.GetValues<Role>())
                    data.Add(s, c, r);
        return data;
    }

    [Fact]
    public void Every_command_has_exactly_one_rule_and_one_sample()
    {
        Assert.Equal(CaseLifecycle.Table.Select(r => r.Command).Order(), Samples.Select(s => s.Command.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Each_combination_has_its_defined_answer(CaseStatus status, int sample, Role role)
    {
        var (command, problemStatus) = Samples[sample];
        var rule = CaseLifecycle.Table.Single(r => r.Command == command.Name);
        var state = new CaseState
        {
            Code = "150102001001",
            Status = status,
            Version = 5,
            Problems = [new ProblemItem("P1", "d", "C1", ["m"], "t", new DateOnly(2026, 12, 1), "r", problemStatus)],
            Acceptance = new Acceptance(Now.AddDays(-1), "t", null),
            Pairings = [new Pairing("J1", PairingKind.Organ, "县民政局", null, new DateOnly(2026, 9, 1), null, [])],
            History = [new HistoryEntry(5, new DateTimeOffset(2026, 9, 1, 2, 0, 0, TimeSpan.Zero), "a", Role.Approver, "approval", CaseStatus.Reviewed, CaseStatus.Open, "approved")],
        };
        var actor = new Actor("someone", role, rule.LowestLevel);

        var decision = CaseRules.Decide(state, command, actor, Now, Policy);

        if (role < rule.MinRole)
        {
            Assert.Equal(CaseOutcome.Forbidden, Assert.IsType<Refused>(decision).Result.Outcome);
        }
        else if (!rule.From.Contains(status))
        {
            var refused = Assert.IsType<Refused>(decision).Result;
            Assert.Equal(CaseOutcome.Conflict, refused.Outcome);
            Assert.Equal(status, refused.CurrentStatus);
            Assert.Equal(CaseLifecycle.AllowedIn(status), refused.Allowed);
            Assert.Contains(status.ToWire(), refused.Detail);
        }
        else
        {
            var accepted = Assert.IsType<Accepted>(decision);
            Assert.Equal(6, accepted.State.Version);
            Assert.Equal(accepted.State.Status, accepted.Entry.To);
            Assert.Equal(status, accepted.Entry.From);
            Assert.Equal(command.Name, accepted.Entry.Command);
            Assert.Equal([.. state.History, accepted.Entry], accepted.State.History);
        }
    }

    [Theory]
    [InlineData("proposal", UnitLevel.Village)]
    [InlineData("review", UnitLevel.Township)]
    [InlineData("approval", UnitLevel.Township)]
    [InlineData("acceptanceDecision", UnitLevel.Village)]
    public void A_unit_below_the_commands_level_may_not_issue_it(string command, UnitLevel level)
    {
        var (sample, _) = Samples.First(s => s.Command.Name == command);
        var rule = CaseLifecycle.Table.Single(r => r.Command == command);
        var state = new CaseState { Status = rule.From[0], Acceptance = new Acceptance(Now, "t", null) };
        var decision = CaseRules.Decide(state, sample, new Actor("x", Role.Admin, level), Now, Policy);
        Assert.Equal(CaseOutcome.Forbidden, Assert.IsType<Refused>(decision).Result.Outcome);
    }
}

/// <summary>What a portal offers one person: every command it lists, the rules accept from that person.</summary>
public sealed class CallerCommandsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_proposer_is_not_offered_the_review_nor_the_reviewer_the_approval_nor_the_applicant_the_decision()
    {
        var proposed = new CaseState { Code = "150102001001", Status = CaseStatus.Proposed, ProposedBy = "ana" };
        Assert.DoesNotContain("review", CaseLifecycle.CommandsFor(proposed, "ana", Role.Admin, UnitLevel.Region));
        Assert.Contains("review", CaseLifecycle.CommandsFor(proposed, "bo", Role.Reviewer, UnitLevel.Banner));
        Assert.DoesNotContain("review", CaseLifecycle.CommandsFor(proposed, "bo", Role.Reporter, UnitLevel.Banner));   // role
        Assert.DoesNotContain("review", CaseLifecycle.CommandsFor(proposed, "bo", Role.Reviewer, UnitLevel.Township)); // level

        var reviewed = proposed with { Status = CaseStatus.Reviewed, ReviewedBy = "bo" };
        Assert.DoesNotContain("approval", CaseLifecycle.CommandsFor(reviewed, "bo", Role.Admin, UnitLevel.Region));
        Assert.DoesNotContain("approval", CaseLifecycle.CommandsFor(reviewed, "ana", Role.Admin, UnitLevel.Region));
        Assert.Contains("approval", CaseLifecycle.CommandsFor(reviewed, "chen", Role.Approver, UnitLevel.Banner));

        var applied = reviewed with { Status = CaseStatus.AcceptanceRequested, Acceptance = new Acceptance(Now, "dai", null) };
        Assert.DoesNotContain("acceptanceDecision", CaseLifecycle.CommandsFor(applied, "dai", Role.Admin, UnitLevel.Region));
        Assert.Contains("acceptanceDecision", CaseLifecycle.CommandsFor(applied, "er", Role.Reviewer, UnitLevel.Banner));

        // And the rules agree: what is offered is accepted, what is withheld for separation of duties is refused by it.
        var offered = CaseLifecycle.CommandsFor(reviewed, "chen", Role.Approver, UnitLevel.Banner);
        Assert.IsType<Accepted>(CaseRules.Decide(reviewed, new Approve(true, null), new Actor("chen", Role.Approver, UnitLevel.Banner), Now, new DuePolicy()));
        Assert.Equal(CaseRuleNames.SeparationOfDuties,
            Assert.IsType<Refused>(CaseRules.Decide(reviewed, new Approve(true, null), new Actor("bo", Role.Admin, UnitLevel.Region), Now, new DuePolicy())).Result.Rule);
        Assert.Contains("approval", offered);
    }
}
