using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Villages;

/// <summary>
/// What the campaign's work commands (issue #12) do to a case, and the rules that depend on its past.
/// None of them moves the case's status; each adds or amends one record and leaves a history entry.
/// </summary>
internal static class CampaignTransitions
{
    public static Decision Apply(CaseState s, CaseCommand command, Actor actor, DateTimeOffset now, DuePolicy policy) => command switch
    {
        AddPairing p => ApplyPairing(s, p, actor, now),
        LandSupport l => ApplySupport(s, l, actor, now),
        EndPairing e => ApplyEnd(s, e, actor, now),
        SetMemberTargets t => Accept(s, t, actor, now,
            s with { MemberTargets = [.. s.MemberTargets.Where(x => x.Year != t.Targets.Year), t.Targets] },
            $"{t.Targets.Year} targets: {t.Targets.NewMembers} new member(s), {t.Targets.Activists} activists, {t.Targets.ReserveCadres} reserve cadres"),
        RecordTraining t => Accept(s, t, actor, now,
            s with { Trainings = [.. s.Trainings, new Training($"T{s.Trainings.Length + 1}", t.Person, t.Role, t.Topic, t.From, t.Days, t.Organizer, actor.Sub)] },
            $"training of {t.Person} ({Wire(t.Role)}), {t.Days} day(s) from {t.From:yyyy-MM-dd}: {t.Topic}"),
        RecordSecretaryAction a => Accept(s, a, actor, now,
            s with
            {
                SecretaryActions = [.. s.SecretaryActions, new SecretaryAction($"S{s.SecretaryActions.Length + 1}", a.Kind, a.On, a.Person,
                    a.NewSecretary, a.NewSecretaryContact, a.FromUnit, a.Note, actor.Sub)],
            },
            $"secretary {Wire(a.Kind)} on {a.On:yyyy-MM-dd}" + (a.NewSecretary is { } n ? $": new secretary {n}" : a.Person is { } p ? $": {p}" : ""),
            note: a.Note),
        RecordAccountability r => Accept(s, r, actor, now,
            s with { Accountability = [.. s.Accountability, new AccountabilityRecord($"A{s.Accountability.Length + 1}", r.Person, r.Position, r.Measure, r.On, r.Reason, r.Assessment, actor.Sub)] },
            $"accountability: {Wire(r.Measure)} for {r.Person} ({r.Position}) on {r.On:yyyy-MM-dd}", note: r.Reason),
        SubmitActivityPlan p => ApplyActivityPlan(s, p, actor, now, policy),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
    };

    /// <summary>One pair per partner at a time: the same secretary, organ or enterprise paired twice would count twice.</summary>
    private static Decision ApplyPairing(CaseState s, AddPairing p, Actor actor, DateTimeOffset now)
    {
        if (s.Pairings.FirstOrDefault(x => x.EndedOn is null && x.Kind == p.Kind && x.Partner == p.Partner && x.PartnerUnit == p.PartnerUnit) is { } held)
        {
            return CaseRules.Conflict(s, CaseRuleNames.PairingInForce, $"{p.Partner} is already paired with this organization ({held.Id}, since {held.Since:yyyy-MM-dd}).");
        }
        if (p.PartnerUnit == s.Code)
        {
            return new Refused(new CaseResult(CaseOutcome.Invalid, Detail: "An organization cannot be paired with itself.",
                Errors: new() { ["partnerUnit"] = ["The excellent secretary leads another organization, not this one."] }));
        }
        var pairing = new Pairing($"J{s.Pairings.Length + 1}", p.Kind, p.Partner, p.PartnerUnit, p.Since, p.Note, []);
        return Accept(s, p, actor, now, s with { Pairings = [.. s.Pairings, pairing] },
            $"paired with {Wire(p.Kind)} {p.Partner} from {p.Since:yyyy-MM-dd} ({pairing.Id})", note: p.Note);
    }

    private static Decision ApplySupport(CaseState s, LandSupport l, Actor actor, DateTimeOffset now)
    {
        if (s.Pairings.FirstOrDefault(x => x.Id == l.PairingId) is not { } pairing)
        {
            return CaseRules.Refuse(CaseOutcome.NotFound, $"The case has no pairing {l.PairingId}.");
        }
        if (!pairing.ActiveOn(l.On))
        {
            return CaseRules.Conflict(s, CaseRuleNames.PairingInForce, $"Pairing {pairing.Id} was not in force on {l.On:yyyy-MM-dd} ({Span(pairing)}).");
        }
        var landed = pairing with { Landed = [.. pairing.Landed, new SupportLanded(l.On, l.FundsYuan, l.Projects, l.Note, actor.Sub)] };
        return Accept(s, l, actor, now, s with { Pairings = s.Pairings.Select(x => x.Id == pairing.Id ? landed : x).ToArray() },
            $"support landed through {pairing.Id} on {l.On:yyyy-MM-dd}: {l.FundsYuan} yuan, {l.Projects} project(s)", note: l.Note);
    }

    private static Decision ApplyEnd(CaseState s, EndPairing e, Actor actor, DateTimeOffset now)
    {
        if (s.Pairings.FirstOrDefault(x => x.Id == e.PairingId) is not { } pairing)
        {
            return CaseRules.Refuse(CaseOutcome.NotFound, $"The case has no pairing {e.PairingId}.");
        }
        if (pairing.EndedOn is not null) return CaseRules.Conflict(s, CaseRuleNames.PairingInForce, $"Pairing {pairing.Id} already ended ({Span(pairing)}).");
        if (e.On < pairing.Since) return CaseRules.Conflict(s, CaseRuleNames.PairingInForce, $"Pairing {pairing.Id} began on {pairing.Since:yyyy-MM-dd}; it cannot end before.");
        if (pairing.Landed.Any(x => x.On >= e.On))
        {
            return CaseRules.Conflict(s, CaseRuleNames.PairingInForce, $"Pairing {pairing.Id} landed support on or after {e.On:yyyy-MM-dd}; it ends after its last support.");
        }
        var ended = pairing with { EndedOn = e.On, EndReason = e.Reason };
        return Accept(s, e, actor, now, s with { Pairings = s.Pairings.Select(x => x.Id == pairing.Id ? ended : x).ToArray() },
            $"pairing {pairing.Id} with {pairing.Partner} ended on {e.On:yyyy-MM-dd}", note: e.Reason);
    }

    /// <summary>
    /// A plan for this month or the next (seed 003: 每月25日前…下个月的活动计划), while the case is in the
    /// ledger. On time if it first arrived by the due day; a correction keeps the first receipt.
    /// </summary>
    private static Decision ApplyActivityPlan(CaseState s, SubmitActivityPlan p, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var thisMonth = Period.MonthOf(policy.LocalDate(now));
        if (p.Month.Start < thisMonth.Start)
        {
            return CaseRules.Conflict(s, CaseRuleNames.ActivityPlanWindow, $"{p.Month} is past; a plan is for {thisMonth} or {thisMonth.Next}.");
        }
        var previous = s.ActivityPlans.FirstOrDefault(x => x.Month == p.Month);
        var due = policy.ActivityPlanDueOn(p.Month);
        var plan = previous is null
            ? new ActivityPlan(p.Month, p.Activities, now, due, policy.LocalDate(now) <= due, actor.Sub)
            : previous with { Activities = p.Activities, By = actor.Sub, Revisions = previous.Revisions + 1 };
        var detail = previous is null
            ? $"{p.Month} activity plan of {p.Activities.Length} activit{(p.Activities.Length == 1 ? "y" : "ies")} {(plan.OnTime ? "on time" : "late")}"
            : $"{p.Month} activity plan corrected (revision {plan.Revisions})";
        return Accept(s, p, actor, now, s with { ActivityPlans = [.. s.ActivityPlans.Where(x => x.Month != p.Month), plan] }, detail);
    }

    private static Accepted Accept(CaseState before, CaseCommand command, Actor actor, DateTimeOffset now, CaseState after, string detail,
        string? note = null) =>
        CaseTransitions.Accept(before, command, actor, now, after, before.Status, detail, note: note);

    private static string Span(Pairing p) => p.EndedOn is { } end ? $"from {p.Since:yyyy-MM-dd} until {end.AddDays(-1):yyyy-MM-dd}" : $"from {p.Since:yyyy-MM-dd}";

    private static string Wire<T>(T value) where T : Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];
}
