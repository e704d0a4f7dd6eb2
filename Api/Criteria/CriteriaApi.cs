using System.Text.RegularExpressions;
using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Criteria;

/// <summary>
/// The criteria catalogue is reference data for the whole region: everyone reads it; only an admin of
/// the region's root unit changes it, naming the version read (If-Match), and every change is kept.
/// </summary>
public static partial class CriteriaApi
{
    public sealed record CriterionBody(string? Kind, string? NameZh, string? NameEn, int? Sort);

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,9}$")]
    private static partial Regex CodePattern();

    private static readonly string[] Kinds = ["standard", "focus", "lagging", "other"];

    public static void MapCriteria(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/criteria").WithTags("Criteria");
        group.MapGet("/", async (CriteriaCatalogue catalogue) => TypedResults.Ok(await catalogue.AllAsync(fresh: true)))
            .RequireAccess(AccessAction.Read, AccessTarget.Caller);
        group.MapGet("/{code}", Get).RequireAccess(AccessAction.Read, AccessTarget.Caller);
        group.MapGet("/{code}/history", History).RequireAccess(AccessAction.Read, AccessTarget.Caller);
        // The catalogue is the whole region's: its target is the root, so only the root's admins change it.
        group.MapPut("/{code}", Put).RequireAccess(AccessAction.Administer, AccessTarget.Root);
    }

    private static async Task<IResult> Get(string code, HttpContext http, CriteriaCatalogue catalogue)
    {
        if (await catalogue.FindAsync(code) is not { } found) return Problems.NotFound($"No criterion has the code {code}.");
        http.Response.Headers.ETag = $"\"{found.Version}\"";
        return TypedResults.Ok(found);
    }

    private static async Task<IResult> History(string code, CriteriaCatalogue catalogue) =>
        await catalogue.FindAsync(code) is null
            ? Problems.NotFound($"No criterion has the code {code}.")
            : TypedResults.Ok(new { code, items = await catalogue.HistoryAsync(code) });

    private static async Task<IResult> Put(string code, CriterionBody body, HttpContext http, Access access, UnitRegistry registry, CriteriaCatalogue catalogue)
    {
        var caller = access.Caller;
        var errors = new Dictionary<string, string[]>();
        if (!CodePattern().IsMatch(code)) errors["code"] = ["An upper-case letter and up to 9 letters or digits, e.g. C7."];
        if (body.Kind is null || !Kinds.Contains(body.Kind)) errors["kind"] = [$"One of {string.Join(", ", Kinds)}."];
        if (string.IsNullOrWhiteSpace(body.NameZh) || body.NameZh.Length > 200 || !TextRules.IsClean(body.NameZh)) errors["nameZh"] = ["Required, at most 200 characters, no control characters."];
        if (string.IsNullOrWhiteSpace(body.NameEn) || body.NameEn.Length > 200 || !TextRules.IsClean(body.NameEn)) errors["nameEn"] = ["Required, at most 200 characters, no control characters."];
        if (body.Sort is < 0 or > 100_000) errors["sort"] = ["Between 0 and 100000."];
        int? ifMatch = null;
        if (http.Request.Headers.IfMatch is { Count: > 0 } header)
        {
            if (int.TryParse(header.ToString().Replace("W/", "").Trim('"'), out var v)) ifMatch = v;
            else errors["If-Match"] = ["An ETag this API issued, e.g. \"3\"."];
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var (outcome, current) = await catalogue.PutAsync(new Criterion(code, body.Kind!, body.NameZh!, body.NameEn!, body.Sort ?? 100), ifMatch, caller.Sub);
        switch (outcome)
        {
            case CatalogueOutcome.PreconditionRequired:
                return TypedResults.Problem($"{code} exists at version {current!.Version}; send If-Match with the version you read.",
                    statusCode: StatusCodes.Status428PreconditionRequired, title: "Precondition required.");
            case CatalogueOutcome.PreconditionFailed:
                return Problems.PreconditionFailed($"If-Match names version {ifMatch}; {code} is at version {current?.Version ?? 0}.");
            default:
                http.Response.Headers.ETag = $"\"{current!.Version}\"";
                return TypedResults.Ok(current);
        }
    }
}
