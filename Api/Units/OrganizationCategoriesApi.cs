using System.Text.RegularExpressions;
using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Criteria;
using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>
/// The organization categories (党组织类别) the profiles, the lists and the summary table use. Everyone
/// reads them; an admin of the region's root unit adds or renames one, naming the version read.
/// </summary>
public static partial class OrganizationCategoriesApi
{
    public sealed record CategoryBody(string? NameZh, string? NameEn, bool? Rural, int? Sort);

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex CodePattern();

    public static void MapOrganizationCategories(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/organization-categories").WithTags("Registry");
        group.MapGet("/", async (OrganizationCategories catalogue) => TypedResults.Ok(await catalogue.AllAsync(fresh: true)))
            .RequireAccess(AccessAction.Read, AccessTarget.Caller)
            .WithSummary("The organization categories (党组织类别); rural marks those counted as gacha-village organizations.");
        group.MapGet("/{code}", Get).RequireAccess(AccessAction.Read, AccessTarget.Caller).Produces<OrganizationCategory>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{code}/history", History).RequireAccess(AccessAction.Read, AccessTarget.Caller).Produces<CategoryHistory>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{code}", Put).RequireAccess(AccessAction.Administer, AccessTarget.Root).WithSummary("Add or change a category (an admin of the region's root unit; If-Match to change).")
            .Produces<OrganizationCategory>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }

    private static async Task<IResult> Get(string code, HttpContext http, OrganizationCategories catalogue)
    {
        if (await catalogue.FindAsync(code, fresh: true) is not { } found) return Problems.NotFound($"No organization category has the code {code}.");
        http.Response.Headers.ETag = $"\"{found.Version}\"";
        return TypedResults.Ok(found);
    }

    private static async Task<IResult> History(string code, OrganizationCategories catalogue) =>
        await catalogue.FindAsync(code, fresh: true) is null
            ? Problems.NotFound($"No organization category has the code {code}.")
            : TypedResults.Ok(new CategoryHistory(code, await catalogue.HistoryAsync(code)));

    public sealed record CategoryHistory(string Code, IReadOnlyList<OrganizationCategoryChange> Items);

    private static async Task<IResult> Put(string code, CategoryBody body, HttpContext http, Access access, UnitRegistry registry, OrganizationCategories catalogue)
    {
        var caller = access.Caller;
        var errors = new Dictionary<string, string[]>();
        if (!CodePattern().IsMatch(code)) errors["code"] = ["A lower-case letter, then up to 39 letters or digits, e.g. cooperative."];
        if (string.IsNullOrWhiteSpace(body.NameZh) || body.NameZh.Length > 100 || !TextRules.IsClean(body.NameZh)) errors["nameZh"] = ["Required, at most 100 characters, no control characters."];
        if (string.IsNullOrWhiteSpace(body.NameEn) || body.NameEn.Length > 100 || !TextRules.IsClean(body.NameEn)) errors["nameEn"] = ["Required, at most 100 characters, no control characters."];
        if (body.Sort is < 0 or > 100_000) errors["sort"] = ["Between 0 and 100000."];
        if (!IfMatch.TryRead(http, out var ifMatch)) errors["If-Match"] = ["An ETag this API issued, e.g. \"3\"."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var wanted = new OrganizationCategory(code, body.NameZh!.Trim(), body.NameEn!.Trim(), body.Rural ?? false, body.Sort ?? 100);
        var (outcome, current) = await catalogue.PutAsync(wanted, ifMatch, caller.Sub);
        switch (outcome)
        {
            case CatalogueOutcome.PreconditionRequired:
                return Problems.PreconditionRequired($"{code} exists at version {current!.Version}; send If-Match with the version you read.");
            case CatalogueOutcome.PreconditionFailed:
                return Problems.PreconditionFailed($"If-Match names version {ifMatch}; {code} is at version {current?.Version ?? 0}.");
            default:
                if (outcome != CatalogueOutcome.Unchanged) await registry.RefreshAsync();
                http.Response.Headers.ETag = $"\"{current!.Version}\"";
                return TypedResults.Ok(current);
        }
    }
}
