using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Storage;
using Rectification.Units;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

/// <summary>
/// The campaign's work around a case (issue #12), rule by rule from the seeds, and the figures each
/// adds to the roll-up: read off the case's digest exactly as a unit's summary reads its sum.
/// </summary>
public sealed class CampaignWorkTests
{
    private static readonly DuePolicy Policy = new();
    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 2, 0, 0, TimeSpan.Zero);
    private static DateTimeOffset At(int month, int day) => At(2026, month, day);
    private static DateOnly Day(int month, int day) => new(2026, month, day);

    private static CaseState OpenedOn(DateTimeOffset at, params string[] categories)
    {
        var s = new CaseState { Code = "150102001001" };
        foreach (var (command, actor) in ToOpen("C1"))
        {
            s = Step(s, command is Propose p ? p with { Categories = categories.Length > 0 ? categories : p.Categories } : command, actor, at);
        }
        return s;
    }

    private static long Figure(CaseState s, string name, string period, DateOnly today) =>
        SummaryEvaluator.Evaluate(DigestBuilder.From(s, Policy).Counters, Period.Parse(period), today, Policy).GetValueOrDefault(name);

    private static ReportFigures Developed(int members, int activists, int cadres) => new(0, 1, 0, 0, 0, members, activists, cadres, null);

    // ---- Pairing (seeds 000, 001, 003) ----

    [Fact]
    public void A_case_in_the_ledger_without_a_pair_shows_up_as_unpaired_until_paired_and_again_after_the_pair_ends()
    {
        var s = OpenedOn(At(9, 3));
        Assert.Equal(1, Figure(s, "pairing.unpaired", "2026-09", Day(11, 20)));
        s = Step(s, new AddPairing(PairingKind.ExcellentSecretary, "王优秀", "150102001002", Day(10, 8), null), TownshipReporter, At(10, 9));
        s = Step(s, new AddPairing(PairingKind.Enterprise, "伊利集团", null, Day(10, 12), null), TownshipReporter, At(10, 12));
        Assert.Equal(1, Figure(s, "pairing.unpaired", "2026-09", Day(11, 20)));      // September ended unpaired
        Assert.Equal(0, Figure(s, "pairing.unpaired", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "pairing.villagesPaired", "2026-10", Day(11, 20)));
        Assert.Equal(2, Figure(s, "pairing.pairs", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "pairing.byKind.excellentSecretary", "2026-10", Day(11, 20)));

        s = Step(s, new LandSupport("J2", Day(10, 20), 120_000.50m, 2, "修路"), VillageReporter, At(10, 21));
        s = Step(s, new LandSupport("J2", Day(11, 5), 30_000m, 0, null), VillageReporter, At(11, 6));
        Assert.Equal(12_000_050, Figure(s, "pairing.fundsLandedFen", "2026-10", Day(11, 20)));   // landed on its day, in fen
        Assert.Equal(15_000_050, Figure(s, "pairing.fundsLandedFen", "2026-Q4", Day(11, 20)));
        Assert.Equal(2, Figure(s, "pairing.projectsLanded", "2026-Q4", Day(11, 20)));

        s = Step(s, new EndPairing("J1", Day(11, 10), "调任"), TownshipReporter, At(11, 10));
        s = Step(s, new EndPairing("J2", Day(11, 10), "项目完成"), TownshipReporter, At(11, 10));
        Assert.Equal(0, Figure(s, "pairing.unpaired", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "pairing.unpaired", "2026-11", Day(11, 20)));
        Assert.Equal(0, Figure(s, "pairing.pairs", "2026-11", Day(11, 20)));
        Assert.Equal(2, s.Pairings.Length);   // ended, never removed
    }

    [Fact]
    public void Support_lands_only_on_a_pair_in_force_that_day_and_one_partner_is_paired_once_at_a_time()
    {
        var s = OpenedOn(At(9, 3));
        s = Step(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(10, 1), null), TownshipReporter, At(10, 2));
        var twice = Refusal(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(10, 5), null), TownshipReporter, At(10, 5));
        Assert.Equal((CaseOutcome.Conflict, CaseRuleNames.PairingInForce), (twice.Outcome, twice.Rule));

        var before = Refusal(s, new LandSupport("J1", Day(9, 30), 100m, 0, null), VillageReporter, At(10, 5));
        Assert.Equal(CaseRuleNames.PairingInForce, before.Rule);
        Assert.Equal(CaseOutcome.NotFound, Refusal(s, new LandSupport("J9", Day(10, 3), 100m, 0, null), VillageReporter, At(10, 5)).Outcome);
        var nothing = Refusal(s, new LandSupport("J1", Day(10, 3), 0m, 0, null), VillageReporter, At(10, 5));
        Assert.Contains("fundsYuan", nothing.Errors!.Keys);

        s = Step(s, new EndPairing("J1", Day(10, 20), "结束"), TownshipReporter, At(10, 20));
        Assert.Equal(CaseRuleNames.PairingInForce, Refusal(s, new LandSupport("J1", Day(10, 21), 100m, 0, null), VillageReporter, At(10, 22)).Rule);
        Assert.Equal(CaseRuleNames.PairingInForce, Refusal(s, new EndPairing("J1", Day(10, 25), "again"), TownshipReporter, At(10, 25)).Rule);
        // Ended, the same partner may be paired again.
        Step(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(10, 25), null), TownshipReporter, At(10, 25));
    }

    [Fact]
    public void An_excellent_secretary_names_the_organization_he_leads_and_a_village_cannot_pair_itself()
    {
        var s = OpenedOn(At(9, 3));
        Assert.Contains("partnerUnit", Refusal(s, new AddPairing(PairingKind.ExcellentSecretary, "王优秀", null, Day(10, 1), null), TownshipReporter, At(10, 2)).Errors!.Keys);
        Assert.Contains("partnerUnit", Refusal(s, new AddPairing(PairingKind.ExcellentSecretary, "王优秀", s.Code, Day(10, 1), null), TownshipReporter, At(10, 2)).Errors!.Keys);
        Assert.Contains("since", Refusal(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(12, 1), null), TownshipReporter, At(10, 2)).Errors!.Keys);
        // Pairs are made by the township (乡镇党委) or above, not by the village itself.
        Assert.Equal(CaseOutcome.Forbidden, Refusal(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(10, 1), null), VillageReporter, At(10, 2)).Outcome);
    }

    // ---- Member-development targets (seed 002) ----

    [Fact]
    public void A_case_in_the_ledger_all_year_is_on_track_while_it_keeps_pace_and_must_meet_the_whole_target_by_December()
    {
        var s = OpenedOn(At(2025, 12, 10));
        // By the end of April a third of the year is gone: ⌊3 × 4 / 12⌋ = 1 activist and 1 reserve cadre are due; the new member by December.
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-01"), Developed(0, 1, 1)), VillageReporter, At(1, 20));
        Assert.Equal(1, Figure(s, "memberTargets.onTrack", "2026-04", Day(11, 30)));
        Assert.Equal(1, Figure(s, "memberTargets.behind", "2026-08", Day(11, 30)));   // ⌊3 × 8 / 12⌋ = 2 activists due by August
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-07"), Developed(0, 1, 1)), VillageReporter, At(7, 20));
        Assert.Equal(1, Figure(s, "memberTargets.onTrack", "2026-08", Day(11, 30)));
        Assert.Equal(1, Figure(s, "memberTargets.behind", "2026-12", Day(12, 30)));   // December needs the whole target
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-11"), Developed(1, 1, 1)), VillageReporter, At(11, 20));
        Assert.Equal(1, Figure(s, "memberTargets.onTrack", "2026-12", Day(12, 30)));
        // A township raises the year's targets: five reserve cadres, and the case falls behind for the months since.
        s = Step(s, new SetMemberTargets(new MemberTargets(2026, 1, 3, 5)), TownshipReporter, At(11, 25));
        Assert.Equal(1, Figure(s, "memberTargets.behind", "2026-12", Day(12, 30)));
        Assert.Equal(0, Figure(s, "memberTargets.onTrack", "2026-Q4", Day(12, 30)));
    }

    [Fact]
    public void A_case_opened_in_October_is_held_to_its_share_of_the_year_and_targets_cannot_go_below_the_seed()
    {
        var s = OpenedOn(At(10, 3));
        Assert.Equal(1, Figure(s, "memberTargets.onTrack", "2026-12", Day(12, 30)));   // 3 months: ⌊3 × 3 / 12⌋ = 0 of each
        Assert.Equal(0, Figure(s, "memberTargets.behind", "2026-12", Day(12, 30)));
        Assert.Equal(0, Figure(s, "memberTargets.onTrack", "2026-09", Day(12, 30)));   // not in the ledger then
        var low = Refusal(s, new SetMemberTargets(new MemberTargets(2026, 0, 2, 6)), TownshipReporter, At(10, 5)).Errors!;
        Assert.Equal(["activists", "newMembers", "reserveCadres"], low.Keys.Order());
    }

    // ---- Training and the secretary actions 撤换育派 (seeds 000, 003, 004) ----

    [Fact]
    public void A_new_secretary_counts_as_trained_only_after_a_training_of_at_least_three_days_and_only_while_in_post()
    {
        var s = OpenedOn(At(9, 3));
        s = Step(s, new RecordSecretaryAction(SecretaryActionKind.Remove, Day(9, 10), "旧书记", null, null, null, "不胜任"), TownshipReporter, At(9, 10));
        s = Step(s, new RecordSecretaryAction(SecretaryActionKind.Dispatch, Day(9, 20), null, "李下派", "13800000000", "县农牧局", null), TownshipReporter, At(9, 20));
        Assert.Equal(1, Figure(s, "secretaries.removed", "2026-09", Day(11, 30)));
        Assert.Equal(1, Figure(s, "secretaries.dispatched", "2026-09", Day(11, 30)));
        Assert.Equal(1, Figure(s, "secretaries.newUntrained", "2026-09", Day(11, 30)));

        s = Step(s, new RecordTraining("李下派", TraineeRole.Secretary, "当好党组织书记", Day(10, 8), 2, "县委组织部"), VillageReporter, At(10, 9));
        Assert.Equal(1, Figure(s, "secretaries.newUntrained", "2026-10", Day(11, 30)));   // two days is not seed 004's three
        s = Step(s, new RecordTraining("李下派", TraineeRole.Secretary, "专题培训", Day(10, 15), 3, "县委组织部"), VillageReporter, At(10, 18));
        Assert.Equal(1, Figure(s, "secretaries.newTrained", "2026-10", Day(11, 30)));
        Assert.Equal(0, Figure(s, "secretaries.newUntrained", "2026-10", Day(11, 30)));
        Assert.Equal(1, Figure(s, "secretaries.newUntrained", "2026-09", Day(11, 30)));
        Assert.Equal(2, Figure(s, "trainings.records", "2026-10", Day(11, 30)));
        Assert.Equal(5, Figure(s, "trainings.days", "2026-10", Day(11, 30)));

        // Replaced in November: the dispatched secretary leaves the count; the new one is untrained.
        s = Step(s, new RecordSecretaryAction(SecretaryActionKind.Replace, Day(11, 2), "李下派", "张新", null, null, null), TownshipReporter, At(11, 2));
        Assert.Equal(0, Figure(s, "secretaries.newTrained", "2026-11", Day(11, 30)));
        Assert.Equal(1, Figure(s, "secretaries.newUntrained", "2026-11", Day(11, 30)));
        Assert.Equal(1, Figure(s, "secretaries.replaced", "2026-Q4", Day(11, 30)));
    }

    [Fact]
    public void Replace_and_dispatch_name_the_new_secretary_and_a_dispatch_says_where_from()
    {
        var s = OpenedOn(At(9, 3));
        var replace = Refusal(s, new RecordSecretaryAction(SecretaryActionKind.Replace, Day(9, 10), "旧书记", null, null, null, null), TownshipReporter, At(9, 10));
        Assert.Contains("newSecretary.name", replace.Errors!.Keys);
        var dispatch = Refusal(s, new RecordSecretaryAction(SecretaryActionKind.Dispatch, Day(9, 10), null, "李下派", null, null, null), TownshipReporter, At(9, 10));
        Assert.Contains("fromUnit", dispatch.Errors!.Keys);
        var remove = Refusal(s, new RecordSecretaryAction(SecretaryActionKind.Remove, Day(9, 10), "旧书记", "新人", null, null, null), TownshipReporter, At(9, 10));
        Assert.Contains("newSecretary", remove.Errors!.Keys);
        Assert.Contains("days", Refusal(s, new RecordTraining("张三", TraineeRole.TeamMember, "轮训", Day(9, 10), 0, null), VillageReporter, At(9, 10)).Errors!.Keys);
    }

    // ---- Accountability (seeds 000, 001) ----

    [Fact]
    public void Accountability_is_counted_by_measure_on_its_day_and_is_a_decision_of_a_reviewer()
    {
        var s = OpenedOn(At(9, 3));
        var reviewer = new Actor("reviewer-t", Role.Reviewer, UnitLevel.Township);
        s = Step(s, new RecordAccountability("赵书记", "村党支部书记", AccountabilityMeasure.PayDeduction, Day(10, 10), "考核不称职", "2026年度乡镇党政领导班子综合考核"), reviewer, At(10, 11));
        s = Step(s, new RecordAccountability("钱委员", "村委委员", AccountabilityMeasure.AdmonishmentTalk, Day(11, 3), "未按计划开展活动", null), reviewer, At(11, 3));
        Assert.Equal(1, Figure(s, "accountability.payDeduction", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "accountability.assessmentLinked", "2026-10", Day(11, 20)));
        Assert.Equal(0, Figure(s, "accountability.admonishmentTalk", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "accountability.admonishmentTalk", "2026-Q4", Day(11, 20)));
        Assert.Equal(CaseOutcome.Forbidden,
            Refusal(s, new RecordAccountability("孙", "委员", AccountabilityMeasure.Removal, Day(11, 3), "x", null), TownshipReporter, At(11, 3)).Outcome);
    }

    // ---- Monthly activity plans (seed 003) ----

    [Fact]
    public void The_plan_for_a_month_is_due_by_the_25th_of_the_month_before_and_counted_in_that_month()
    {
        var s = OpenedOn(At(9, 3));
        Assert.Equal(new DateOnly(2026, 11, 25), Policy.ActivityPlanDueOn(Period.Parse("2026-12")));
        // October's plans (for November) are owed by the case, in the ledger on 25 October: missing once that day passed.
        Assert.Equal(1, Figure(s, "activityPlans.due", "2026-10", Day(10, 30)));
        Assert.Equal(1, Figure(s, "activityPlans.missing", "2026-10", Day(10, 30)));
        Assert.Equal(1, Figure(s, "activityPlans.pending", "2026-10", Day(10, 20)));

        var december = new SubmitActivityPlan(Period.Parse("2026-12"), [new PlannedActivity(Day(12, 1), "主题党日", "partyDay"), new PlannedActivity(Day(12, 15), "三会一课", null)]);
        s = Step(s, december, VillageReporter, At(11, 25));
        Assert.True(s.ActivityPlans.Single().OnTime);
        Assert.Equal(1, Figure(s, "activityPlans.onTime", "2026-11", Day(11, 26)));
        Assert.Equal(0, Figure(s, "activityPlans.missing", "2026-11", Day(11, 26)));

        var november = new SubmitActivityPlan(Period.Parse("2026-11"), [new PlannedActivity(Day(11, 28), "组织生活会", null)]);
        s = Step(s, november, VillageReporter, At(11, 26));
        Assert.False(s.ActivityPlans.Single(p => p.Month == Period.Parse("2026-11")).OnTime);
        Assert.Equal(1, Figure(s, "activityPlans.late", "2026-10", Day(11, 26)));
        Assert.Equal(0, Figure(s, "activityPlans.missing", "2026-10", Day(11, 26)));

        // A correction keeps the first receipt; a past month and a day outside the month are refused.
        s = Step(s, december with { Activities = [new PlannedActivity(Day(12, 2), "主题党日", null)] }, VillageReporter, At(11, 30));
        Assert.Equal((1, true), (s.ActivityPlans.Single(p => p.Month == Period.Parse("2026-12")).Revisions, s.ActivityPlans.Single(p => p.Month == Period.Parse("2026-12")).OnTime));
        Assert.Equal(CaseRuleNames.ActivityPlanWindow, Refusal(s, november, VillageReporter, At(12, 2)).Rule);
        Assert.Contains("activities[0].on", Refusal(s, december with { Activities = [new PlannedActivity(Day(11, 30), "x", null)] }, VillageReporter, At(11, 30)).Errors!.Keys);
        Assert.Contains("month", Refusal(s, new SubmitActivityPlan(Period.Parse("2027-02"), [new PlannedActivity(new DateOnly(2027, 2, 1), "x", null)]), VillageReporter, At(11, 30)).Errors!.Keys);
    }

    // ---- Four ones matching (党群包软、经济包穷、政法包乱) ----

    [Fact]
    public void A_helping_department_that_does_not_fit_the_lagging_category_is_counted_as_mismatched()
    {
        Assert.True(DepartmentMatch.Fits(DepartmentType.PartyMass, ["L1"]));
        Assert.True(DepartmentMatch.Fits(DepartmentType.Economic, ["L1", "L3"]));
        Assert.True(DepartmentMatch.Fits(DepartmentType.PoliticalLegal, ["L2"]));
        Assert.True(DepartmentMatch.Fits(DepartmentType.PoliticalLegal, ["L4"]));
        Assert.False(DepartmentMatch.Fits(DepartmentType.Economic, ["L1"]));
        Assert.True(DepartmentMatch.Fits(DepartmentType.Economic, []));

        var s = OpenedOn(At(9, 3), "L1");
        var economic = new Assignment("李县长", "工作组", new HelpingDepartment("县发改局", DepartmentType.Economic), new FirstSecretary("王", Day(9, 5)));
        s = Step(s, new SetAssignment(economic), TownshipReporter, At(9, 10));
        Assert.Equal(1, Figure(s, "fourOnes.mismatched", "2026-09", Day(11, 20)));
        s = Step(s, new SetAssignment(economic with { HelpingDepartment = new HelpingDepartment("县委组织部", DepartmentType.PartyMass) }), TownshipReporter, At(10, 10));
        Assert.Equal(1, Figure(s, "fourOnes.mismatched", "2026-09", Day(11, 20)));   // September keeps what it was
        Assert.Equal(0, Figure(s, "fourOnes.mismatched", "2026-10", Day(11, 20)));
        Assert.Equal(1, Figure(s, "fourOnes.covered", "2026-10", Day(11, 20)));
    }

    [Fact]
    public void A_slim_history_gives_the_same_digest_as_the_whole_one()
    {
        var s = OpenedOn(At(9, 3), "L3");
        var assignment = new Assignment("李县长", "工作组", new HelpingDepartment("县委组织部", DepartmentType.PartyMass), new FirstSecretary("王", Day(9, 5)));
        s = Step(s, new SetAssignment(assignment), TownshipReporter, At(9, 10));
        s = Step(s, new SetAssignment(assignment with { HelpingDepartment = new HelpingDepartment("县发改局", DepartmentType.Economic) }), TownshipReporter, At(10, 10));
        s = Step(s, new AddPairing(PairingKind.Organ, "县民政局", null, Day(10, 1), null), TownshipReporter, At(10, 12));
        s = Step(s, new SubmitActivityPlan(Period.Parse("2026-11"), [new PlannedActivity(Day(11, 3), "主题党日", null)]), VillageReporter, At(10, 20));
        var slim = s with { History = [.. s.History.Select(CaseStateStorage.Slim)] };
        var whole = DigestBuilder.From(s, Policy).Counters;
        var fromSlim = DigestBuilder.From(slim, Policy).Counters;
        Assert.Equal(whole.Keys.Order(), fromSlim.Keys.Order());
        foreach (var (name, days) in whole) Assert.Equal(days.OrderBy(d => d.Key), fromSlim[name].OrderBy(d => d.Key));
        Assert.Equal(1, Figure(slim, "fourOnes.mismatched", "2026-09", Day(11, 20)));   // party-mass on a poor (L3) village
        Assert.Equal(0, Figure(slim, "fourOnes.mismatched", "2026-10", Day(11, 20)));
    }
}
