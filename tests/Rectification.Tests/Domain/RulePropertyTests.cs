using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;
using Rectification.Villages;
using Xunit.Abstractions;

namespace Rectification.Tests.Domain;

/// <summary>
/// Thousands of random command sequences by random people at random levels, over a year and a half of
/// business days. Whatever they try, the campaign's rules hold: no sign-off with a problem not closed,
/// nobody proposes and reviews or reviews and approves one case, no plan edit removes a problem or
/// changes one that is no longer open, a village never closes its own problem, a relapse needs new
/// work, and an ended period's figures change only by reports and evaluations for that period.
/// </summary>
public sealed class RulePropertyTests(ITestOutputHelper output)
{
    private static readonly DuePolicy Policy = new();
    private static readonly string[] Subs = ["ana", "bo", "chen", "dai", "er"];
    private static readonly string[] Codes = ["C1", "C2", "C3", "C4", "C5", "C6", "F1", "F3"];
    private static readonly string[] CampaignCommands =
        ["pairing", "pairingSupport", "pairingEnd", "memberTargets", "training", "secretaryAction", "accountability", "activityPlan"];

    [Fact]
    public void Random_sequences_never_break_the_rules()
    {
        var accepted = new Dictionary<string, int>();
        var refusedByRule = new Dictionary<string, int>();
        for (var seq = 0; seq < 2500; seq++)
        {
            var rnd = new Random(seq);
            var now = new DateTimeOffset(2026, 1, 5, 2, 0, 0, TimeSpan.Zero);
            var state = new CaseState { Code = "150102001001" };
            var digest = DigestBuilder.From(state, Policy);
            for (var step = 0; step < 80; step++)
            {
                now = now.AddDays(rnd.Next(0, 9)).AddHours(rnd.Next(0, 5));
                var actor = new Actor(Subs[rnd.Next(Subs.Length)], (Role)rnd.Next(1, 5), (UnitLevel)rnd.Next(2, 6));
                var command = RandomCommand(rnd, state, now);
                var decision = CaseRules.Decide(state, command, actor, now, Policy);
                if (decision is Refused refused)
                {
                    var key = refused.Result.Rule ?? refused.Result.Outcome.ToString();
                    refusedByRule[key] = refusedByRule.GetValueOrDefault(key) + 1;
                    continue;
                }
                var after = ((Accepted)decision).State;
                accepted[command.Name] = accepted.GetValueOrDefault(command.Name) + 1;
                CheckStep(state, after, command, actor);
                var afterDigest = DigestBuilder.From(after, Policy);
                CheckEndedPeriods(digest, afterDigest, command, Policy.LocalDate(now));
                (state, digest) = (after, afterDigest);
            }
            CheckChain(state);
        }
        output.WriteLine("accepted: " + string.Join(", ", accepted.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        output.WriteLine("refused: " + string.Join(", ", refusedByRule.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        // The walk must reach the deep end of the life, or it proves little.
        foreach (var name in new[] { "approval", "close", "acceptance", "acceptanceDecision", "relapse", "report", "evaluation" })
            Assert.True(accepted.GetValueOrDefault(name) > 100, $"only {accepted.GetValueOrDefault(name)} accepted {name}");
        foreach (var rule in new[] { CaseRuleNames.SeparationOfDuties, CaseRuleNames.CloseAbove, CaseRuleNames.LedgerKeepsProblems,
                     CaseRuleNames.RelapseNeedsNewWork, CaseRuleNames.ReportingWindow, CaseRuleNames.AllProblemsClosed })
            Assert.True(refusedByRule.GetValueOrDefault(rule) > 10, $"the walk hardly tried to break {rule}");
    }

    /// <summary>
    /// A command publishes its case's digest built flat (DigestSum: entries summed once, sorted); summaries
    /// and reconciliation read the nested one (Counters). Both must hold the same figures at every step of
    /// every walk, and the read model's text of the flat one must read back as the nested one.
    /// </summary>
    [Fact]
    public void The_flat_digest_a_command_publishes_has_the_figures_of_the_nested_one()
    {
        var compared = 0;
        for (var seq = 0; seq < 400; seq++)
        {
            var rnd = new Random(seq);
            var now = new DateTimeOffset(2026, 1, 5, 2, 0, 0, TimeSpan.Zero);
            var state = new CaseState { Code = "150102001001" };
            for (var step = 0; step < 80; step++)
            {
                now = now.AddDays(rnd.Next(0, 9)).AddHours(rnd.Next(0, 5));
                var actor = new Actor(Subs[rnd.Next(Subs.Length)], (Role)rnd.Next(1, 5), (UnitLevel)rnd.Next(2, 6));
                if (CaseRules.Decide(state, RandomCommand(rnd, state, now), actor, now, Policy) is not Accepted accepted) continue;
                state = accepted.State;
                var nested = DigestBuilder.From(state, Policy);
                var flat = DigestBuilder.Held(state, Policy);
                Assert.Equal(Figures(nested.Counters), Figures(flat.ToDigest().Counters));
                Assert.Equal(nested.Version, flat.Version);
                Assert.True(flat.Settled);
                Assert.Equal(Figures(nested.Counters), Figures(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<int, long>>>(flat.ToJson())!));
                compared++;
            }
        }
        Assert.True(compared > 5000, $"only {compared} digests compared");

        static List<(string, int, long)> Figures(IReadOnlyDictionary<string, Dictionary<int, long>> counters) =>
            [.. counters.SelectMany(c => c.Value.Select(d => (c.Key, d.Key, d.Value))).Order()];
    }

    private static void CheckStep(CaseState before, CaseState after, CaseCommand command, Actor actor)
    {
        // The problem ledger keeps everything, and what is no longer open is the plan's no more.
        foreach (var p in before.Problems)
        {
            var now = Assert.Single(after.Problems, x => x.Id == p.Id);
            if (p.Status != ProblemStatus.Open && command is SetPlan)
            {
                Assert.Equal((p.Description, p.Criterion, p.Target, p.Deadline, p.Responsible, p.Status), (now.Description, now.Criterion, now.Target, now.Deadline, now.Responsible, now.Status));
            }
        }
        if (after.Status == CaseStatus.SignedOff && before.Status != CaseStatus.SignedOff)
        {
            Assert.All(after.Problems, p => Assert.True(p.Status is ProblemStatus.Closed or ProblemStatus.Archived, $"{p.Id} is {p.Status} at sign-off"));
            Assert.NotEqual(actor.Sub, before.Acceptance!.AppliedBy);
        }
        if (command is ChangeProblem { Action: ProblemAction.Close } c)
        {
            var problem = before.Problems.Single(p => p.Id == c.ProblemId);
            Assert.NotEqual(actor.Sub, problem.ResolvedBy);
            Assert.True(actor.Level < problem.ResolvedAtLevel, $"closed at {actor.Level}, resolved at {problem.ResolvedAtLevel}");
        }
        if (command is ApplyForAcceptance && before.Relapses > 0)
        {
            Assert.Contains(after.Problems, p => p.Number >= before.RelapseProblemFloor && p.Status is ProblemStatus.Closed or ProblemStatus.Archived);
        }
    }

    /// <summary>Nobody acts twice on one decision chain: proposer, reviewer and approver of each chain are three people.</summary>
    private static void CheckChain(CaseState s)
    {
        string? proposer = null, reviewer = null;
        foreach (var h in s.History)
        {
            switch (h.Command)
            {
                case "proposal": (proposer, reviewer) = (h.By, null); break;
                case "review": Assert.NotEqual(proposer, h.By); reviewer = h.By; break;
                case "approval": Assert.NotEqual(reviewer, h.By); Assert.NotEqual(proposer, h.By); break;
            }
        }
    }

    /// <summary>
    /// A period that ended before today keeps its figures, unless the command is a report or evaluation for
    /// it, or a record of work dated in it (a training held, support landed, a pair made or ended, a
    /// secretary action, accountability: entered late, they count on their day), or a late activity plan
    /// due in it. Member-target standings are cumulative over the year: a report for an earlier month of
    /// the year, or new targets for the year, move the standing of the months after it.
    /// </summary>
    private static void CheckEndedPeriods(Digest before, Digest after, CaseCommand command, DateOnly today)
    {
        var month = Period.MonthOf(today);
        var ended = new List<Period>();
        for (var (m, i) = (month, 0); i < 4; i++) ended.Add(m = Previous(m));
        ended.Add(Previous(month.QuarterOf));
        foreach (var p in ended)
        {
            var touches = command switch
            {
                SubmitMonthlyReport r => p.Months.Contains(r.Month),
                SubmitEvaluation e => p == e.Quarter,
                _ => false,
            };
            if (touches) continue;
            DateOnly? dated = command switch
            {
                AddPairing a => a.Since,
                LandSupport l => l.On,
                EndPairing e => e.On,
                RecordTraining t => t.From,
                RecordSecretaryAction a => a.On,
                RecordAccountability a => a.On,
                SubmitActivityPlan plan => plan.Month.Start.AddMonths(-1),
                _ => null,
            };
            if (dated <= p.End) continue;
            var cumulative = command switch
            {
                SubmitMonthlyReport r => r.Month.Year == p.Year && r.Month.Start <= p.End,
                SetMemberTargets t => t.Targets.Year == p.Year,
                _ => false,
            };
            static SortedDictionary<string, long> Without(SortedDictionary<string, long> f, bool members) =>
                new(f.Where(x => !(members && x.Key.StartsWith("memberTargets.", StringComparison.Ordinal))).ToDictionary(), StringComparer.Ordinal);
            Assert.Equal(Without(SummaryEvaluator.Evaluate(before.Counters, p, today, Policy), cumulative),
                Without(SummaryEvaluator.Evaluate(after.Counters, p, today, Policy), cumulative));
        }
    }

    private static Period Previous(Period p) => p.Kind == PeriodKind.Month
        ? Period.MonthOf(p.Start.AddDays(-1))
        : Period.MonthOf(p.Start.AddDays(-1)).QuarterOf;

    private static CaseCommand RandomCommand(Random rnd, CaseState s, DateTimeOffset now)
    {
        // Mostly a command the status allows (so the walk goes deep), sometimes any at all.
        // Findings are allowed in every status; offered only before a case exists, they would swamp the walk.
        // The campaign's work commands (pairing, trainings...) are offered a third as often, so the walk still reaches sign-off and relapse.
        var campaign = rnd.Next(3) == 0;
        var allowed = CaseLifecycle.AllowedIn(s.Status).Where(c => c != "findings" || s.Status is CaseStatus.Normal or CaseStatus.Rejected)
            .Where(c => campaign || !CampaignCommands.Contains(c)).ToArray();
        var names = CaseLifecycle.Table.Select(r => r.Command).ToArray();
        var name = rnd.Next(10) < 8 && allowed.Length > 0 ? allowed[rnd.Next(allowed.Length)] : names[rnd.Next(names.Length)];
        string[] Crit() => Codes.OrderBy(_ => rnd.Next()).Take(rnd.Next(1, 3)).ToArray();
        var today = Policy.LocalDate(now);
        var month = Period.MonthOf(today.AddMonths(-rnd.Next(0, 4)));
        // Usually a problem in the status the action needs, so the walk closes problems and applies for acceptance.
        string ProblemFor(ProblemStatus needs)
        {
            var fit = s.Problems.Where(p => p.Status == needs).ToArray();
            if (fit.Length > 0 && rnd.Next(5) > 0) return fit[rnd.Next(fit.Length)].Id;
            return s.Problems.Length > 0 && rnd.Next(4) > 0 ? s.Problems[rnd.Next(s.Problems.Length)].Id : $"P{rnd.Next(1, 5)}";
        }
        return name switch
        {
            "findings" => new RecordFinding(FindingSource.FieldInvestigation, Crit(), null),
            "proposal" => new Propose(Crit(), [$"L{rnd.Next(1, 5)}"], "meets the criteria"),
            "review" => new Review(rnd.Next(8) > 0, null),
            "approval" => new Approve(rnd.Next(8) > 0, "committee"),
            "plan" => RandomPlan(rnd, s, today),
            "assignment" => new SetAssignment(new Assignment($"leader {rnd.Next(3)}", "group", new HelpingDepartment("dept", DepartmentType.Economic), new FirstSecretary("fs", today))),
            "resolve" => new ChangeProblem(ProblemFor(ProblemStatus.Open), ProblemAction.Resolve),
            "close" => new ChangeProblem(ProblemFor(ProblemStatus.Resolved), ProblemAction.Close),
            "archive" => new ChangeProblem(ProblemFor(ProblemStatus.Closed), ProblemAction.Archive),
            "report" => new SubmitMonthlyReport(month, new ReportFigures(rnd.Next(3), rnd.Next(3), rnd.Next(10000), rnd.Next(2), rnd.Next(2), rnd.Next(2), rnd.Next(3), rnd.Next(4), null)),
            "evaluation" => new SubmitEvaluation(month.QuarterOf, rnd.Next(101), rnd.Next(1, 4), rnd.Next(11), null),
            "acceptance" => new ApplyForAcceptance(null),
            "acceptanceDecision" => new DecideAcceptance(rnd.Next(3) > 0, 80 + rnd.Next(21), null),
            "pairing" => new AddPairing((PairingKind)rnd.Next(3), $"partner {rnd.Next(3)}", null, today.AddDays(-rnd.Next(0, 60)), null) is var p
                && p.Kind == PairingKind.ExcellentSecretary ? p with { PartnerUnit = "150102001002" } : p,
            "pairingSupport" => new LandSupport($"J{rnd.Next(1, 4)}", today.AddDays(-rnd.Next(0, 40)), rnd.Next(1, 100000), rnd.Next(2), null),
            "pairingEnd" => new EndPairing($"J{rnd.Next(1, 4)}", today.AddDays(-rnd.Next(0, 30)), "done"),
            "memberTargets" => new SetMemberTargets(new MemberTargets(today.Year, rnd.Next(1, 3), rnd.Next(3, 5), rnd.Next(3, 6))),
            "training" => new RecordTraining(rnd.Next(2) == 0 ? "new secretary 1" : "someone", (TraineeRole)rnd.Next(4), "topic",
                today.AddDays(-rnd.Next(0, 40)), rnd.Next(1, 6), null),
            "secretaryAction" => (SecretaryActionKind)rnd.Next(4) switch
            {
                SecretaryActionKind.Remove => new RecordSecretaryAction(SecretaryActionKind.Remove, today.AddDays(-rnd.Next(0, 30)), "old", null, null, null, null),
                SecretaryActionKind.Train => new RecordSecretaryAction(SecretaryActionKind.Train, today.AddDays(-rnd.Next(0, 30)), "old", null, null, null, null),
                var kind => new RecordSecretaryAction(kind, today.AddDays(-rnd.Next(0, 30)), "old", $"new secretary {rnd.Next(1, 3)}", null,
                    kind == SecretaryActionKind.Dispatch ? "county organ" : null, null),
            },
            "accountability" => new RecordAccountability("someone", "secretary", (AccountabilityMeasure)rnd.Next(4), today.AddDays(-rnd.Next(0, 30)), "reason",
                rnd.Next(2) == 0 ? "township assessment 2026" : null),
            "activityPlan" => new SubmitActivityPlan(Period.MonthOf(today).Next is var next && rnd.Next(2) == 0 ? next : Period.MonthOf(today),
                [new PlannedActivity(today, "activity", null)]) is var plan
                ? plan with { Activities = [new PlannedActivity(plan.Month.Start.AddDays(rnd.Next(0, 28)), "activity", null)] } : null!,
            _ => new Relapse(Crit(), "again"),
        };
    }

    /// <summary>A plan that restates, edits, drops or adds problems at random.</summary>
    private static SetPlan RandomPlan(Random rnd, CaseState s, DateOnly today)
    {
        var problems = new List<PlannedProblem>();
        foreach (var p in s.Problems)
        {
            var roll = rnd.Next(10);
            if (roll == 0) continue; // try to drop it
            var deadline = roll < 3 ? today.AddDays(rnd.Next(-20, 60)) : p.Deadline;
            problems.Add(new PlannedProblem(p.Id, roll == 3 ? "edited" : p.Description, p.Criterion, p.Measures, p.Target, deadline, p.Responsible));
        }
        for (var i = s.Problems.Length < 3 ? rnd.Next(0, 2) : 0; i > 0 || problems.Count == 0; i--)
        {
            problems.Add(new PlannedProblem(null, "problem", "C1", ["measure"], "target", today.AddDays(rnd.Next(-10, 90)), "someone"));
        }
        return new SetPlan([.. problems]);
    }
}
