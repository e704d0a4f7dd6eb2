using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Security;
using static Rectification.Api.Cases.CampaignRequests;
using static Rectification.Api.Cases.CaseRequests;

namespace Rectification.Api.Cases;

/// <summary>
/// The campaign's work around a case (issue #12, docs/campaign.md): pairing (结对帮扶), member-development
/// targets, training, the secretary actions 撤换育派, accountability (问责) and monthly activity plans. Each is a
/// command of the case: the same roles, subtree, If-Match, Idempotency-Key and history as the rest.
/// </summary>
public static class CampaignApi
{
    public static void MapCampaign(this RouteGroupBuilder v1)
    {
        var cases = v1.MapGroup("/cases/{code}").WithTags("Campaign work");
        cases.MapPost("/pairings", (string code, PairingBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Pairing(b, e)))
            .RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Pairs the organization (结对帮扶); kind: excellentSecretary (who leads partnerUnit), organ or enterprise.");
        cases.MapPost("/pairings/{id}/support", (string code, string id, SupportBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Support(id, b, e)))
            .RequireAccess(AccessAction.Write, village: true).WithSummary("Records support a pair landed: funds (yuan) and projects, on their day.");
        cases.MapPost("/pairings/{id}/end", (string code, string id, EndPairingBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => End(id, b, e)))
            .RequireAccess(AccessAction.Write, village: true).WithSummary("Ends a pair on a day, with the reason; the pair is kept.");
        cases.MapPut("/member-targets/{year}", (string code, string year, MemberTargetsBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Targets(year, b, e)))
            .RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Sets a year's member-development targets above seed 002's floors (1 new member, 3 activists, 3-5 reserve cadres).");
        cases.MapPost("/trainings", (string code, TrainingBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Training(b, e)))
            .RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Records a training; role: secretary, teamMember, firstSecretary or other; a new secretary's lasts at least 3 days (seed 004).");
        cases.MapPost("/secretary-actions", (string code, SecretaryActionBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => SecretaryAction(b, e)))
            .RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Records 撤、换、育、派 (action: remove, replace, train, dispatch) on its day; replace and dispatch name the new secretary, who becomes the organization's secretary in its profile.");
        cases.MapPost("/accountability", (string code, AccountabilityBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => Accountability(b, e)))
            .RequireAccess(AccessAction.Decide, village: true)
            .WithSummary("Records a measure of accountability (问责) against one person; measure: payDeduction, admonishmentTalk, removal or other.");
        cases.MapPost("/activity-plans/{month}", (string code, string month, ActivityPlanBody b, HttpContext h, CaseCommandRunner r) => Run(h, r, code, e => ActivityPlan(month, b, e)))
            .RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Submits (or corrects) the organization's activity plan for this month or the next; due by the 25th of the month before (seed 003).");
    }

    private static Task<IResult> Run(HttpContext http, CaseCommandRunner runner, string code, Func<Errors, Rectification.Cases.CaseCommand> parse)
    {
        var errors = new Errors();
        var command = parse(errors);
        return errors.Count > 0 ? Task.FromResult(Problems.Validation(errors)) : runner.RunAsync(http, code, command);
    }
}
