using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
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
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public async Task<IResult> RunAsync(HttpContext http, string code, CaseCommand command)
    {
        var (_, denied) = await access.CheckCaseAsync(code, Role.Reporter);
        if (denied is not null) return denied;

        var unknown = await UnknownCriteriaAsync(command);
        if (unknown is not null) return unknown;

        int? ifMatch = null;
        if (http.Request.Headers.IfMatch is { Count: > 0 } header)
        {
            if (!int.TryParse(header.ToString().Replace("W/", "").Trim('"'), out var v))
            {
                return Problems.Validation("If-Match", "An ETag this API issued, e.g. \"3\".");
            }
            ifMatch = v;
        }
        string? key = null, hash = null;
        if (http.Request.Headers.TryGetValue("Idempotency-Key", out var idem) && idem.ToString() is { Length: > 0 } k)
        {
            if (k.Length > 200) return Problems.Validation("Idempotency-Key", "At most 200 characters.");
            key = $"{access.Caller.Sub}:{k}";
            // The command as parsed stands for the body: the same key with another body hashes differently.
            var bytes = JsonSerializer.SerializeToUtf8Bytes<object>(command, json.Value.SerializerOptions);
            hash = Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes(command.GetType().Name), .. bytes]));
        }

        var caller = access.Caller;
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        var result = await grains.GetGrain<IVillageGrain>(code)
            .ExecuteAsync(command, new Actor(caller.Sub, caller.Role, level), new CommandConditions(ifMatch, key, hash));
        return ToHttp(http, result);
    }

    public static IResult ToHttp(HttpContext http, CaseResult result)
    {
        switch (result.Outcome)
        {
            case CaseOutcome.Accepted:
                http.Response.Headers.ETag = $"\"{result.Ack!.Version}\"";
                return TypedResults.Ok(result.Ack);
            case CaseOutcome.Invalid:
                return Problems.Validation(result.Errors ?? new() { ["body"] = [result.Detail ?? "Not valid."] });
            case CaseOutcome.Forbidden:
                return Problems.Forbidden(result.Detail!);
            case CaseOutcome.NotFound:
                return Problems.NotFound(result.Detail!);
            case CaseOutcome.PreconditionFailed:
                return Problems.PreconditionFailed(result.Detail!);
            default:
                var ext = new Dictionary<string, object?>();
                if (result.CurrentStatus is { } s) ext["currentStatus"] = JsonNamingPolicy.CamelCase.ConvertName(s.ToString());
                if (result.Allowed is { } allowed) ext["allowedCommands"] = allowed;
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
