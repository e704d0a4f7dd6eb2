using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Setup;

namespace Rectification.Api.Units;

/// <summary>The registry: GET /units/{code} and its children, limited to the caller's subtree.</summary>
public static class UnitsApi
{
    public static void MapUnits(this RouteGroupBuilder v1)
    {
        var units = v1.MapGroup("/units").WithTags("Registry");
        units.MapGet("/{code}", GetUnit).RequireAccess(AccessAction.Read).Produces<UnitDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        units.MapGet("/{code}/children", GetChildren).RequireAccess(AccessAction.Read);
    }

    private static async Task<IResult> GetUnit(string code, HttpContext http, Access access, UnitQueries queries, PersonalDataLog log)
    {
        var unit = await queries.FindAsync(code);
        if (unit is null) return Problems.NotFound($"No unit has the code {code}.");
        // The version a profile edit names in If-Match.
        http.Response.Headers.ETag = $"\"{unit.Version}\"";
        var dto = unit.ToDto(access.Caller.Role);
        if (dto.SecretaryContact is not null) await log.RecordAsync([code]);
        return TypedResults.Ok(dto);
    }

    private static async Task<IResult> GetChildren(string code, int? limit, string? cursor, Access access, UnitQueries queries, PersonalDataLog log)
    {
        if (!Paging.TryParse(limit, cursor, out var paging, out var bad)) return bad!;
        var rows = await queries.ChildrenAsync(code, paging.After, paging.Limit + 1);
        var items = rows.Take(paging.Limit).Select(u => u.ToDto(access.Caller.Role)).ToList();
        var next = rows.Count > paging.Limit ? Paging.Encode(items[^1].Code) : null;
        await log.RecordAsync(items.Where(i => i.SecretaryContact is not null).Select(i => i.Code));
        return TypedResults.Ok(new Page<UnitDto>(items, next));
    }
}
