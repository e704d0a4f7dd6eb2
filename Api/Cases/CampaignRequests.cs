using Rectification.Cases;
using Rectification.Periods;
using static Rectification.Api.Cases.CaseRequests;

namespace Rectification.Api.Cases;

/// <summary>Bodies of the campaign's work commands (docs/campaign.md), each turned into a command or field errors.</summary>
public static class CampaignRequests
{
    public sealed record PairingBody(string? Kind, string? Partner, string? PartnerUnit, DateOnly? Since, string? Note);
    public sealed record SupportBody(DateOnly? On, decimal? FundsYuan, int? Projects, string? Note);
    public sealed record EndPairingBody(DateOnly? On, string? Reason);
    public sealed record MemberTargetsBody(int? NewMembers, int? Activists, int? ReserveCadres);
    public sealed record TrainingBody(string? Person, string? Role, string? Topic, DateOnly? From, int? Days, string? Organizer);
    public sealed record SecretaryActionBody(string? Action, DateOnly? On, string? Person, NewSecretaryBody? NewSecretary, string? FromUnit, string? Note);
    public sealed record NewSecretaryBody(string? Name, string? Contact);
    public sealed record AccountabilityBody(string? Person, string? Position, string? Measure, DateOnly? On, string? Reason, string? Assessment);
    public sealed record ActivityPlanBody(ActivityBody[]? Activities);
    public sealed record ActivityBody(DateOnly? On, string? Title, string? Kind);

    public static CaseCommand Pairing(PairingBody b, Errors e) => new AddPairing(
        Choice<PairingKind>(e, "kind", b.Kind), b.Partner ?? "", b.PartnerUnit, e.Required("since", b.Since), b.Note);

    public static CaseCommand Support(string id, SupportBody b, Errors e) =>
        new LandSupport(id, e.Required("on", b.On), b.FundsYuan ?? 0, b.Projects ?? 0, b.Note);

    public static CaseCommand End(string id, EndPairingBody b, Errors e) => new EndPairing(id, e.Required("on", b.On), b.Reason ?? "");

    public static CaseCommand Targets(string year, MemberTargetsBody b, Errors e)
    {
        if (!int.TryParse(year, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y) || year.Length != 4)
        {
            e.Add("year", "A year such as 2026.");
        }
        return new SetMemberTargets(new MemberTargets(y, b.NewMembers ?? MemberTargets.MinNewMembers, b.Activists ?? MemberTargets.MinActivists,
            b.ReserveCadres ?? MemberTargets.MinReserveCadres));
    }

    public static CaseCommand Training(TrainingBody b, Errors e) => new RecordTraining(b.Person ?? "", Choice<TraineeRole>(e, "role", b.Role),
        b.Topic ?? "", e.Required("from", b.From), e.Required("days", b.Days), b.Organizer);

    public static CaseCommand SecretaryAction(SecretaryActionBody b, Errors e) => new RecordSecretaryAction(
        Choice<SecretaryActionKind>(e, "action", b.Action), e.Required("on", b.On), b.Person, b.NewSecretary?.Name, b.NewSecretary?.Contact,
        b.FromUnit, b.Note);

    public static CaseCommand Accountability(AccountabilityBody b, Errors e) => new RecordAccountability(b.Person ?? "", b.Position ?? "",
        Choice<AccountabilityMeasure>(e, "measure", b.Measure), e.Required("on", b.On), b.Reason ?? "", b.Assessment);

    public static CaseCommand ActivityPlan(string month, ActivityPlanBody b, Errors e) => new SubmitActivityPlan(
        ParsePeriod(month, PeriodKind.Month, "month", e),
        (b.Activities ?? []).Select((a, i) => new PlannedActivity(e.Required($"activities[{i}].on", a.On), a.Title ?? "", a.Kind)).ToArray());

    /// <summary>An enum by its camelCase wire name; anything else names the allowed values.</summary>
    public static T Choice<T>(Errors e, string field, string? wire) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (Wire(v) == wire) return v;
        }
        e.Add(field, $"One of {string.Join(", ", Enum.GetValues<T>().Select(Wire))}.");
        return default;
    }

    public static string Wire<T>(T value) where T : struct, Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];
}
