using System.Text.RegularExpressions;
using Rectification.Api.Auth;
using Rectification.Api.Setup;

namespace Rectification.Api.Criteria;

/// <summary>GET /criteria for everyone; PUT /criteria/{code} lets an admin extend or rename the catalogue.</summary>
public static partial class CriteriaApi
{
    public sealed record CriterionBody(string? Kind, string? NameZh, string? NameEn, int? Sort);

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,9}$")]
    private static partial Regex CodePattern();

    private static readonly string[] Kinds = ["standard", "focus", "lagging", "other"];

    public static void MapCriteria(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/criteria").WithTags("Criteria");
        group.MapGet("/", async (CriteriaCatalogue catalogue) => TypedResults.Ok(await catalogue.AllAsync(fresh: true)));
        group.MapPut("/{code}", Put);
    }

    private static async Task<IResult> Put(string code, CriterionBody body, Access access, CriteriaCatalogue catalogue)
    {
        if (!access.Caller.AtLeast(Role.Admin)) return Problems.Forbidden("Only an admin edits the criteria catalogue.");
        var errors = new Dictionary<string, string[]>();
        if (!CodePattern().IsMatch(code)) errors["code"] = ["An upper-case letter and up to 9 letters or digits, e.g. C7."];
        if (body.Kind is null || !Kinds.Contains(body.Kind)) errors["kind"] = [$"One of {string.Join(", ", Kinds)}."];
        if (string.IsNullOrWhiteSpace(body.NameZh) || body.NameZh.Length > 200) errors["nameZh"] = ["Required, at most 200 characters."];
        if (string.IsNullOrWhiteSpace(body.NameEn) || body.NameEn.Length > 200) errors["nameEn"] = ["Required, at most 200 characters."];
        if (errors.Count > 0) return Problems.Validation(errors);
        var criterion = new Criterion(code, body.Kind!, body.NameZh!, body.NameEn!, body.Sort ?? 100);
        await catalogue.UpsertAsync(criterion);
        return TypedResults.Ok(criterion);
    }
}
