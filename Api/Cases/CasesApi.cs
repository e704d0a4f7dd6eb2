using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Cases;
using Rectification.Units;
using static Rectification.Api.Cases.CaseRequests;

namespace Rectification.Api.Cases;

/// <summary>The case routes: read it, read its history, and every command of its life.</summary>
public static class CasesApi
{
    public static void MapCases(this RouteGroupBuilder v1)
    {
        var cases = v1.MapGroup("/cases/{code}").WithTags("Cases");
        cases.MapGet("/", GetCase).RequireAccess(AccessAction.Read, village: true);
        cases.MapGet("/history", GetHistory).RequireAccess(AccessAction.Read, village: true);

        cases.MapPost("/findings", (string code, FindingBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Finding(b, e))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/proposal", (string code, ProposalBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, _ => Proposal(b))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/review", (string code, DecisionBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Review(b, e))).RequireAccess(AccessAction.Decide, village: true);
        cases.MapPost("/approval", (string code, DecisionBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Approval(b, e))).RequireAccess(AccessAction.Decide, village: true);
        cases.MapPut("/plan", (string code, PlanBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Plan(b, e))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPut("/assignment", (string code, AssignmentBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Assignment(b, e))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/problems/{id}/{action:regex(^(resolve|close|archive)$)}", (string code, string id, string action, HttpContext h, CaseCommandRunner r) =>
            Run(h, r, code, _ => new ChangeProblem(id, Enum.Parse<ProblemAction>(action, ignoreCase: true)))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/reports/{month}", (string code, string month, ReportBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Report(month, b, e))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/evaluations/{quarter}", (string code, string quarter, EvaluationBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Evaluation(quarter, b, e))).RequireAccess(AccessAction.Decide, village: true);
        cases.MapPost("/acceptance", (string code, NoteBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, _ => new ApplyForAcceptance(b.Note))).RequireAccess(AccessAction.Write, village: true);
        cases.MapPost("/acceptance/decision", (string code, AcceptanceDecisionBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => AcceptanceDecision(b, e))).RequireAccess(AccessAction.Decide, village: true);
        cases.MapPost("/relapse", (string code, RelapseBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, _ => Relapse(b))).RequireAccess(AccessAction.Decide, village: true);
    }

    private static Task<IResult> Run(HttpContext http, CaseCommandRunner runner, string code, Func<Errors, CaseCommand> parse)
    {
        var errors = new Errors();
        var command = parse(errors);
        return errors.Count > 0 ? Task.FromResult(Problems.Validation(errors)) : runner.RunAsync(http, code, command);
    }

    private static async Task<IResult> GetCase(string code, HttpContext http, Access access, IGrainFactory grains, Ledger.LedgerQueries ledger,
        PersonalDataLog log, UnitRegistry registry)
    {
        var node = access.Target;
        var state = await grains.Village(code).GetAsync();
        // A new secretary's contact is personal data: shown to the roles that need it, and its viewing logged.
        if (access.SeesPersonalData && state.SecretaryActions.Any(a => a.NewSecretaryContact is not null)) await log.RecordAsync([code]);
        http.Response.Headers.ETag = $"\"{state.Version}\"";
        var caller = access.Caller;
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        return TypedResults.Ok(state.ToDto(node!.Name, ledger.Today, access.SeesPersonalData) with
        {
            CallerCommands = CaseLifecycle.CommandsFor(state, caller.Sub, caller.Role, level),
        });
    }

    /// <summary>Read from storage, where each entry is kept whole; the grain keeps its history slim.</summary>
    private static async Task<IResult> GetHistory(string code, int? limit, string? cursor, Access access, Npgsql.NpgsqlDataSource db)
    {
        if (!Paging.TryParse(limit, cursor, out var paging, out var bad)) return bad!;
        var after = int.TryParse(paging.After, out var v) ? v : 0;
        var rows = await CaseParts.HistoryAsync(db, code, after, paging.Limit + 1);
        var items = rows.Take(paging.Limit).Select(h => h.ToDto()).ToList();
        var next = rows.Count > paging.Limit ? Paging.Encode(items[^1].Version.ToString()) : null;
        return TypedResults.Ok(new Page<HistoryDto>(items, next));
    }
}
