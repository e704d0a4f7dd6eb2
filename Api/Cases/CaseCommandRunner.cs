using System.Text.Json;
using Rectification.Api.Auth;
using Rectification.Api.Criteria;
using Rectification.Api.Setup;
using Rectification.Cases;
using Rectification.Units;

namespace Rectification.Api.Cases;

/// <summary>
/// The path every case write takes: subtree check, catalogue check, If-Match and Idempotency-Key,
/// one grain call, and the grain's answer turned into HTTP.
/// </summary>
public sealed class CaseCommandRunner(Access access, UnitRegistry registry, CriteriaCatalogue catalogue, IGrainFactory grains,
    WriteConditions conditions)
{
    public async Task<IResult> RunAsync(HttpContext http, string code, CaseCommand command)
    {
        var unknown = await UnknownCriteriaAsync(command);
        if (unknown is not null) return unknown;
        if (command is AddPairing { PartnerUnit: { } partnerUnit } && UnitCode.IsWellFormed(partnerUnit)
            && await registry.FindAsync(partnerUnit) is not { Level: UnitLevel.Village })
        {
            return Problems.Validation("partnerUnit", $"{partnerUnit} is not a grassroots organization in the registry.");
        }

        var bad = conditions.TryRead(http, command, out var read);
        if (bad is not null) return bad;

        var caller = access.Caller;
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        var result = await grains.Village(code)
            .ExecuteAsync(command, new Actor(caller.Sub, caller.Role, level), read);
        return ToHttp(http, result);
    }

    public static IResult ToHttp(HttpContext http, CaseResult result)
    {
        switch (result.Outcome)
        {
            case CaseOutcome.Accepted:
                http.Response.Headers.ETag = $"\"{result.Ack!.Version}\"";
                return new SizedJson<CaseAck>(result.Ack);
            case CaseOutcome.Invalid:
                return Problems.Validation(result.Errors ?? new() { ["body"] = [result.Detail ?? "Not valid."] });
            case CaseOutcome.Forbidden:
                return Problems.Forbidden(result.Detail!, result.Rule is { } rule ? new Dictionary<string, object?> { ["rule"] = rule } : null);
            case CaseOutcome.NotFound:
                return Problems.NotFound(result.Detail!);
            case CaseOutcome.PreconditionFailed:
                return Problems.PreconditionFailed(result.Detail!);
            default:
                var ext = new Dictionary<string, object?>();
                if (result.CurrentStatus is { } s) ext["currentStatus"] = JsonNamingPolicy.CamelCase.ConvertName(s.ToString());
                if (result.Allowed is { } allowed) ext["allowedCommands"] = allowed;
                if (result.Rule is { } broken) ext["rule"] = broken;
                return Problems.Conflict(result.Detail!, ext);
        }
    }

    private async Task<IResult?> UnknownCriteriaAsync(CaseCommand command)
    {
        var (field, codes, kinds) = command switch
        {
            RecordFinding f => ("criteria", f.Criteria, new[] { "standard", "focus", "other" }),
            Propose p => ("criteria", p.Criteria, ["standard", "focus", "other"]),
            Relapse r => ("criteria", r.Criteria, ["standard", "focus", "other"]),
            SetPlan plan => ("problems", plan.Problems.Select(p => p.Criterion).ToArray(), ["standard", "focus", "lagging", "other"]),
            _ => ("", Array.Empty<string>(), Array.Empty<string>()),
        };
        var errors = new Dictionary<string, string[]>();
        if (codes.Length > 0 && codes.All(c => c is not null) && await catalogue.UnknownAsync(codes, kinds) is { Length: > 0 } bad)
        {
            errors[field] = [$"Not in the criteria catalogue: {string.Join(", ", bad)}."];
        }
        if (command is Propose { Categories: { Length: > 0 } cats } && cats.All(c => c is not null)
            && await catalogue.UnknownAsync(cats, "lagging") is { Length: > 0 } badCats)
        {
            errors["categories"] = [$"Not a lagging category in the catalogue: {string.Join(", ", badCats)}."];
        }
        return errors.Count > 0 ? Problems.Validation(errors) : null;
    }
}
