using System.Text.Json;
using Npgsql;
using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>
/// Profiles: an admin creates or updates a unit within their subtree (PUT /units/{code}), with
/// If-Match and Idempotency-Key as on cases; a move carries the unit's subtree and its roll-ups; every
/// change is kept (GET /units/{code}/history).
/// </summary>
public static class UnitProfilesApi
{
    public static void MapUnitProfiles(this RouteGroupBuilder v1)
    {
        var units = v1.MapGroup("/units").WithTags("Registry");
        units.MapPut("/{code}", Put).RequireAccess(AccessAction.Administer, mayNotExist: true)
            .WithSummary("Create or update a unit's profile (admin, within the caller's subtree); a new parent moves the subtree.")
            .WithDescription("A PUT replaces the profile; level and parentCode may be left out to keep them. A change of an existing unit needs If-Match "
                + "(428 without, 412 when stale); the same content again is 200 with nothing changed. Idempotency-Key replays the first answer. "
                + "form: committee (党委), generalBranch (党总支) or branch (党支部); category: a code of /organization-categories, for grassroots organizations. "
                + "Registry changes reach every silo and API process within 2 seconds; the moved unit's roll-ups follow at once.")
            .Produces<UnitDto>().Produces<UnitDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        units.MapGet("/{code}/history", History).RequireAccess(AccessAction.Read).WithSummary("Every change of a unit's profile: who, when, from which file, each field from → to.")
            .Produces<UnitHistory>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Put(string code, ProfileBody body, HttpContext http, Access access, UnitRegistry registry,
        OrganizationCategories categories, IdempotentAnswers idempotency, UnitMoves moves, UnitQueries queries, NpgsqlDataSource db)
    {
        var caller = access.Caller;
        if (!IfMatch.TryRead(http, out var ifMatch)) return Problems.Validation("If-Match", "An ETag this API issued, e.g. \"3\".");
        if (idempotency.TryRead(http, code + JsonSerializer.Serialize(body), out var key) is { } badKey) return badKey;
        if (await idempotency.ReplayAsync(key) is { } replay) return replay;

        var known = (await categories.AllAsync(fresh: true)).Select(c => c.Code).ToHashSet();
        UnitMoves.Change change;
        int status;
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await UnitProfileStore.LockRegistryAsync(conn, tx);
            await registry.RefreshAsync();
            var tree = new RegistryView(await registry.AllAsync());
            var node = tree.Find(code);
            // The route's rule checked the unit as it was when the request came in; the tree under the lock decides.
            if (node is not null && access.Deny(AccessAction.Administer, code, c => tree.Find(c)?.ParentCode) is { } outside) return outside;
            var (profile, errors) = UnitProfileRules.Check(code, body, node, tree, known);
            if (profile is null) return Problems.Validation(errors);
            if (profile.ParentCode != node?.ParentCode
                && access.Deny(AccessAction.Administer, profile.ParentCode!, c => tree.Find(c)?.ParentCode) is { } parentOutside)
            {
                return parentOutside;
            }
            var stored = await UnitProfileStore.ReadAsync(conn, tx, code);
            if (stored is { } same && same.Profile == profile)
            {
                return await Answer(http, code, caller.Role, queries, idempotency, key, StatusCodes.Status200OK);
            }
            if (stored is not null && ifMatch is null)
            {
                return Problems.PreconditionRequired($"{code} exists at version {stored.Value.Version}; send If-Match with the version you read.");
            }
            if (ifMatch is { } expected && expected != (stored?.Version ?? 0))
            {
                return Problems.PreconditionFailed($"If-Match names version {expected}; {code} is at version {stored?.Version ?? 0}.");
            }
            await UnitProfileStore.SaveAsync(conn, tx, profile, stored?.Profile, stored?.Version ?? 0, caller.Sub, null);
            await tx.CommitAsync();
            change = new UnitMoves.Change(code, UnitLevels.Parse(profile.Level), stored?.Profile.ParentCode, profile.ParentCode);
            status = stored is null ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        }
        await moves.ApplyAsync([change]);
        return await Answer(http, code, caller.Role, queries, idempotency, key, status);
    }

    private static async Task<IResult> Answer(HttpContext http, string code, Role role, UnitQueries queries, IdempotentAnswers idempotency,
        IdempotentAnswers.Key? key, int status)
    {
        var dto = (await queries.FindAsync(code))!.ToDto(role);
        if (dto.SecretaryContact is not null) await http.RequestServices.GetRequiredService<PersonalDataLog>().RecordAsync([code]);
        await idempotency.RememberAsync(key, status, dto);
        http.Response.Headers.ETag = $"\"{dto.Version}\"";
        return status == StatusCodes.Status201Created ? TypedResults.Created($"/api/v1/units/{code}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<IResult> History(string code, Access access, NpgsqlDataSource db, PersonalDataLog log)
    {
        var items = await UnitProfileStore.HistoryAsync(db, code);
        if (!access.Caller.Role.SeesPersonalData())
        {
            // The secretary's contact is personal data: its changes show that it changed, not its value.
            items = items.Select(i => i with
            {
                Changes = i.Changes.Select(c => c.Field == "secretaryContact" ? c with { From = Mask(c.From), To = Mask(c.To) } : c).ToList(),
            }).ToList();
        }
        else if (items.Any(i => i.Changes.Any(c => c.Field == "secretaryContact"))) await log.RecordAsync([code]);
        return TypedResults.Ok(new UnitHistory(code, items));
    }

    public sealed record UnitHistory(string Code, IReadOnlyList<UnitChange> Items);

    private static string? Mask(string? value) => value is null ? null : "***";
}
