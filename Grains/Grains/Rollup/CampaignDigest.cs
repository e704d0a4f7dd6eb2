using Rectification.Cases;
using Rectification.Periods;
using Rectification.Villages;
using Span = Rectification.Villages.LedgerSpans.Span;

namespace Rectification.Rollup;

/// <summary>
/// The counters of the campaign's work around a case (issue #12), added to its digest. Levels hold on
/// days (pairs in force, paired and unpaired cases in the ledger, member-target standing, new secretaries
/// trained or not); events count on their day (support landed, trainings, secretary actions,
/// accountability); activity plans are owed and received like monthly reports (see <see cref="SummaryEvaluator"/>).
/// </summary>
public static class CampaignDigest
{
    private static readonly CounterNames Planned = new("activityPlans.planned.");

    public static void Add(ICounterSink c, CaseState s, IReadOnlyList<Span> inLedger, DuePolicy policy)
    {
        AddPairings(c, s, inLedger);
        foreach (var m in MemberProgress.Months(s, inLedger, policy))
        {
            DaySpans.AddWithin(c, m.OnTrack ? "memberTargets.onTrack" : "memberTargets.behind", inLedger, m.Period.Start, m.Period.Next.Start);
        }
        foreach (var t in s.Trainings)
        {
            c.Add("trainings.records", t.From.DayNumber, 1);
            c.Add("trainings.days", t.From.DayNumber, t.Days);
        }
        AddSecretaries(c, s);
        foreach (var a in s.Accountability)
        {
            c.Add($"accountability.{Wire(a.Measure)}", a.On.DayNumber, 1);
            if (a.Assessment is not null) c.Add("accountability.assessmentLinked", a.On.DayNumber, 1);
        }

        // Activity plans (seed 003): owed by a case in the ledger on the due day, so every plan keeps a
        // copy of the ledger spans under the month it is for, as reports do; received ones are counted
        // in the month they were due (the month before the one they plan).
        DaySpans.Add(c, "activityPlans.owing", inLedger);
        foreach (var p in s.ActivityPlans)
        {
            var dueMonth = Period.MonthOf(p.Month.Start.AddMonths(-1));
            c.Add(p.OnTime ? "activityPlans.onTime" : "activityPlans.late", dueMonth.Start.DayNumber, 1);
            DaySpans.Add(c, Planned[p.Month], inLedger);
        }
    }

    private static void AddPairings(ICounterSink c, CaseState s, IReadOnlyList<Span> inLedger)
    {
        var paired = new List<Span>();
        foreach (var p in s.Pairings)
        {
            var span = new Span(p.Since, p.EndedOn);
            DaySpans.Add(c, "pairing.pairs", [span]);
            DaySpans.Add(c, $"pairing.byKind.{Wire(p.Kind)}", [span]);
            paired.Add(span);
            foreach (var l in p.Landed)
            {
                c.Add("pairing.fundsLandedFen", l.On.DayNumber, (long)decimal.Round(l.FundsYuan * 100));
                c.Add("pairing.projectsLanded", l.On.DayNumber, l.Projects);
            }
        }
        var union = DaySpans.Union(paired);
        DaySpans.Add(c, "pairing.villagesPaired", DaySpans.Intersect(inLedger, union));
        DaySpans.Add(c, "pairing.unpaired", DaySpans.Minus(inLedger, union));
    }

    /// <summary>
    /// 撤换育派 as events on their day; and each secretary a replacement or dispatch brought in counts,
    /// while in post (until the next appointment or removal), as trained once a training of at least
    /// three days (seed 004) began on or after the appointment, untrained before.
    /// </summary>
    private static void AddSecretaries(ICounterSink c, CaseState s)
    {
        var actions = s.SecretaryActions.OrderBy(a => a.On).ToList();
        foreach (var a in actions) c.Add($"secretaries.{Past(a.Kind)}", a.On.DayNumber, 1);
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            if (!a.Appoints) continue;
            var end = actions.Skip(i + 1).FirstOrDefault(x => x.Appoints || x.Kind == SecretaryActionKind.Remove)?.On;
            if (end <= a.On) continue;
            var trainedFrom = s.Trainings
                .Where(t => t.Person == a.NewSecretary && t.Days >= Training.NewSecretaryMinimumDays && t.From >= a.On)
                .Select(t => (DateOnly?)t.From).Min();
            if (trainedFrom is { } tf && end is { } e && tf >= e) trainedFrom = null;
            DaySpans.Add(c, "secretaries.newUntrained", [new Span(a.On, trainedFrom ?? end)]);
            if (trainedFrom is { } from) DaySpans.Add(c, "secretaries.newTrained", [new Span(from, end)]);
        }
    }

    private static string Past(SecretaryActionKind k) => k switch
    {
        SecretaryActionKind.Remove => "removed",
        SecretaryActionKind.Replace => "replaced",
        SecretaryActionKind.Train => "trained",
        _ => "dispatched",
    };

    private static string Wire<T>(T value) where T : Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];
}
