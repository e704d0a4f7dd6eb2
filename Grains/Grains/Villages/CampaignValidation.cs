using Rectification.Cases;

namespace Rectification.Villages;

/// <summary>Input rules for the campaign's work commands (issue #12), named by the request field they concern.</summary>
internal static class CampaignValidation
{
    public static void Check(CaseCommand command, DateOnly today, Action<string, string> add, Action<string, string?> required,
        Action<string, string?> maxLength)
    {
        void Day(string field, DateOnly day)
        {
            if (day.Year < 2000 || day > today) add(field, $"A day from 2000-01-01 to today ({today:yyyy-MM-dd}).");
        }
        switch (command)
        {
            case AddPairing p:
                required("partner", p.Partner);
                if (p.Kind == PairingKind.ExcellentSecretary && (p.PartnerUnit is null || !Units.UnitCode.IsWellFormed(p.PartnerUnit)))
                {
                    add("partnerUnit", "The 12-digit code of the organization the excellent secretary leads.");
                }
                if (p.Kind != PairingKind.ExcellentSecretary && p.PartnerUnit is not null) add("partnerUnit", "Only an excellent secretary's pair names the organization he or she leads.");
                Day("since", p.Since);
                maxLength("note", p.Note);
                break;
            case LandSupport s:
                required("pairingId", s.PairingId);
                Day("on", s.On);
                CaseValidation.Funds(add, "fundsYuan", s.FundsYuan);
                CaseValidation.Count(add, "projects", s.Projects);
                if (s.FundsYuan == 0 && s.Projects == 0) add("fundsYuan", "Funds, projects or both: support that landed nothing is not recorded.");
                maxLength("note", s.Note);
                break;
            case EndPairing e:
                required("pairingId", e.PairingId);
                Day("on", e.On);
                required("reason", e.Reason);
                break;
            case SetMemberTargets { Targets: var t }:
                if (t.Year < 2000 || t.Year > today.Year + 1) add("year", $"A year from 2000 to {today.Year + 1}.");
                if (t.NewMembers < MemberTargets.MinNewMembers || t.NewMembers > CaseValidation.MaxCount)
                    add("newMembers", $"At least {MemberTargets.MinNewMembers} (seed 002: 年内至少新发展1名党员).");
                if (t.Activists < MemberTargets.MinActivists || t.Activists > CaseValidation.MaxCount)
                    add("activists", $"At least {MemberTargets.MinActivists} (seed 002: 新确定3名入党积极分子).");
                if (t.ReserveCadres is < MemberTargets.MinReserveCadres or > MemberTargets.MaxReserveCadres)
                    add("reserveCadres", $"{MemberTargets.MinReserveCadres} to {MemberTargets.MaxReserveCadres} (seed 002: 3-5名村干部后备人选).");
                break;
            case RecordTraining t:
                required("person", t.Person);
                required("topic", t.Topic);
                Day("from", t.From);
                if (t.Days is < 1 or > 366) add("days", "Between 1 and 366.");
                maxLength("organizer", t.Organizer);
                break;
            case RecordSecretaryAction a:
                Day("on", a.On);
                if (a.Kind is SecretaryActionKind.Remove or SecretaryActionKind.Replace or SecretaryActionKind.Train) required("person", a.Person);
                else maxLength("person", a.Person);
                if (a.Kind is SecretaryActionKind.Replace or SecretaryActionKind.Dispatch) required("newSecretary.name", a.NewSecretary);
                else if (a.NewSecretary is not null) add("newSecretary", "Only replace (换) and dispatch (派) bring in a new secretary.");
                if (a.NewSecretaryContact is { Length: > 50 }) add("newSecretary.contact", "At most 50 characters.");
                else maxLength("newSecretary.contact", a.NewSecretaryContact);
                if (a.NewSecretary is { Length: > 50 }) add("newSecretary.name", "At most 50 characters.");
                if (a.Kind == SecretaryActionKind.Dispatch) required("fromUnit", a.FromUnit);
                else maxLength("fromUnit", a.FromUnit);
                maxLength("note", a.Note);
                break;
            case RecordAccountability r:
                required("person", r.Person);
                required("position", r.Position);
                Day("on", r.On);
                required("reason", r.Reason);
                maxLength("assessment", r.Assessment);
                break;
            case SubmitActivityPlan p:
                if (p.Month.Kind != Periods.PeriodKind.Month) add("month", "A month such as 2026-11.");
                else if (p.Month.Start > Periods.Period.MonthOf(today).Next.Start) add("month", "A plan is for this month or the next, not later.");
                if (p.Activities is null || p.Activities.Length == 0) { add("activities", "At least one activity."); break; }
                if (p.Activities.Length > 100) add("activities", "At most 100 activities.");
                for (var i = 0; i < p.Activities.Length; i++)
                {
                    var a = p.Activities[i];
                    required($"activities[{i}].title", a.Title);
                    maxLength($"activities[{i}].kind", a.Kind);
                    if (p.Month.Kind == Periods.PeriodKind.Month && !p.Month.Contains(a.On)) add($"activities[{i}].on", $"A day of {p.Month}.");
                }
                break;
        }
    }
}
