using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rectification.Security;
using Rectification.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rectification.Tests.Api;

/// <summary>
/// Every route of the OpenAPI document × every role × every relation of its target to the caller's unit,
/// with bodies that bind: the answer is the access policy table's. A route missing from the list below
/// (a new route nobody placed in the policy) fails this test.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessMatrixTests(ApiFixture fx, ITestOutputHelper output)
{
    /// <summary>What each route does, as the policy sees it. Reading reference data and templates is on the caller's own unit.</summary>
    private static readonly Dictionary<string, (AccessAction Action, string Target)> Expected = new()
    {
        ["GET /api/v1/units/{code}"] = (AccessAction.Read, "route"),
        ["PUT /api/v1/units/{code}"] = (AccessAction.Administer, "route"),
        ["GET /api/v1/units/{code}/children"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/history"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/cases"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/workload"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/screening-suggestions"] = (AccessAction.Read, "route"),
        ["POST /api/v1/units/{code}/screening-suggestions/{id}/accept"] = (AccessAction.Write, "village"),
        ["POST /api/v1/units/{code}/screening-suggestions/{id}/dismiss"] = (AccessAction.Write, "village"),
        ["GET /api/v1/units/{code}/notices"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/notices/summary"] = (AccessAction.Read, "route"),
        ["POST /api/v1/units/{code}/notices/{id}/read"] = (AccessAction.Write, "route"),
        ["POST /api/v1/units/{code}/notices/read"] = (AccessAction.Write, "route"),
        ["POST /api/v1/campaign/sweep"] = (AccessAction.Administer, "root"),
        ["GET /api/v1/units/{code}/summary"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/summary/children"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/summary/series"] = (AccessAction.Read, "route"),
        ["POST /api/v1/units/{code}/summary/reconcile"] = (AccessAction.Administer, "route"),
        ["GET /api/v1/units/{code}/progress"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/progress/{halfMonth}"] = (AccessAction.Read, "route"),
        ["POST /api/v1/units/{code}/progress/{halfMonth}"] = (AccessAction.Write, "route"),
        ["GET /api/v1/units/{code}/reports/summary-table"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/reports/weak-organizations"] = (AccessAction.Read, "route"),
        ["GET /api/v1/units/{code}/reports/difficult-elections"] = (AccessAction.Read, "route"),
        ["GET /api/v1/cases/{code}"] = (AccessAction.Read, "village"),
        ["GET /api/v1/cases/{code}/history"] = (AccessAction.Read, "village"),
        ["POST /api/v1/cases/{code}/findings"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/proposal"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/review"] = (AccessAction.Decide, "village"),
        ["POST /api/v1/cases/{code}/approval"] = (AccessAction.Decide, "village"),
        ["PUT /api/v1/cases/{code}/plan"] = (AccessAction.Write, "village"),
        ["PUT /api/v1/cases/{code}/assignment"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/problems/{id}/{action}"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/reports/{month}"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/evaluations/{quarter}"] = (AccessAction.Decide, "village"),
        ["POST /api/v1/cases/{code}/acceptance"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/acceptance/decision"] = (AccessAction.Decide, "village"),
        ["POST /api/v1/cases/{code}/relapse"] = (AccessAction.Decide, "village"),
        ["POST /api/v1/cases/{code}/pairings"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/pairings/{id}/support"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/pairings/{id}/end"] = (AccessAction.Write, "village"),
        ["PUT /api/v1/cases/{code}/member-targets/{year}"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/trainings"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/secretary-actions"] = (AccessAction.Write, "village"),
        ["POST /api/v1/cases/{code}/accountability"] = (AccessAction.Decide, "village"),
        ["POST /api/v1/cases/{code}/activity-plans/{month}"] = (AccessAction.Write, "village"),
        ["GET /api/v1/criteria"] = (AccessAction.Read, "caller"),
        ["GET /api/v1/criteria/{code}"] = (AccessAction.Read, "caller"),
        ["GET /api/v1/criteria/{code}/history"] = (AccessAction.Read, "caller"),
        ["PUT /api/v1/criteria/{code}"] = (AccessAction.Administer, "root"),
        ["GET /api/v1/organization-categories"] = (AccessAction.Read, "caller"),
        ["GET /api/v1/organization-categories/{code}"] = (AccessAction.Read, "caller"),
        ["GET /api/v1/organization-categories/{code}/history"] = (AccessAction.Read, "caller"),
        ["PUT /api/v1/organization-categories/{code}"] = (AccessAction.Administer, "root"),
        ["POST /api/v1/units/import"] = (AccessAction.Administer, "caller"),
        ["POST /api/v1/cases/import"] = (AccessAction.Administer, "caller"),
        ["GET /api/v1/units/import/template"] = (AccessAction.Read, "caller"),
        ["GET /api/v1/cases/import/template"] = (AccessAction.Read, "caller"),
    };

    private const string Root = "150000000000", League = "150100000000", Banner = "150102000000", SiblingBanner = "150103000000",
        OtherBanner = "150202000000", Township = "150102001000", Village = "150102001001", SiblingVillage = "150102001002",
        OtherVillage = "150202001012";

    /// <summary>(caller's unit, target unit) for each relation a route's kind of target can have.</summary>
    private static IEnumerable<(Relation Relation, string Caller, string Target)> Pairs(string target) => target switch
    {
        "route" =>
        [
            (Relation.Same, Banner, Banner), (Relation.Descendant, Banner, Township), (Relation.Ancestor, Banner, League),
            (Relation.Sibling, Banner, SiblingBanner), (Relation.Unrelated, Banner, OtherBanner),
        ],
        // A grassroots organization is never above anyone: no ancestor.
        "village" =>
        [
            (Relation.Same, Village, Village), (Relation.Descendant, Township, Village), (Relation.Sibling, Village, SiblingVillage),
            (Relation.Unrelated, Village, OtherVillage),
        ],
        // The root has nothing above or beside it.
        "root" => [(Relation.Same, Root, Root), (Relation.Ancestor, Banner, Root)],
        _ => [(Relation.Same, Banner, Banner)],
    };

    [Fact]
    public async Task Every_route_role_and_relation_answers_as_the_policy_table_says()
    {
        var doc = JsonNode.Parse(await fx.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var routes = new List<(string Method, string Path, JsonNode Operation)>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (path == "/api/v1/dev/tokens") continue;   // public where it exists at all
                routes.Add((method.ToUpperInvariant(), path, operation!));
            }
        }
        var documented = routes.Select(r => $"{r.Method} {r.Path}").ToHashSet();
        Assert.Empty(documented.Except(Expected.Keys));   // a route nobody placed in the policy
        Assert.Empty(Expected.Keys.Except(documented));

        var checks = 0;
        foreach (var (method, path, operation) in routes)
        {
            var (action, target) = Expected[$"{method} {path}"];
            var declared = operation["x-access"]!;
            Assert.Equal(action.ToString(), (string)declared["action"]!, StringComparer.OrdinalIgnoreCase);
            foreach (var (relation, callerUnit, targetUnit) in Pairs(target))
            {
                foreach (var role in Enum.GetValues<Role>())
                {
                    var client = fx.Client(callerUnit, role, $"matrix-{role.ToWire()}");
                    var response = await client.SendAsync(Request(method, path, targetUnit));
                    var text = await response.Content.ReadAsStringAsync();
                    var deniedByPolicy = response.StatusCode == HttpStatusCode.Forbidden && text.Contains("\"rule\":\"accessPolicy\"");
                    var allowed = AccessPolicy.Allows(role, relation, action);
                    Assert.True(response.StatusCode != HttpStatusCode.Unauthorized && (int)response.StatusCode < 500,
                        $"{method} {path} as {role} ({relation}): {(int)response.StatusCode} {text}");
                    Assert.True(allowed != deniedByPolicy,
                        $"{method} {path} as {role.ToWire()} of {callerUnit} on {targetUnit} ({relation}): the table says {(allowed ? "allow" : "deny")}, the API answered {(int)response.StatusCode} {text}");
                    checks++;
                }
            }
        }
        output.WriteLine($"{routes.Count} routes, {checks} requests, each as the table says");
        Assert.True(checks > 700);
    }

    /// <summary>A request that binds: path values of the right shape, an empty JSON object as body, a header-only file for imports.</summary>
    private static HttpRequestMessage Request(string method, string path, string target)
    {
        var url = path.Replace("{code}", path.StartsWith("/api/v1/criteria") ? "C1" : path.StartsWith("/api/v1/organization-categories") ? "rural" : target)
            .Replace("{halfMonth}", "2026-11-H1").Replace("{month}", "2026-11").Replace("{quarter}", "2026-Q4")
            .Replace("{id}", "P1").Replace("{year}", "2026").Replace("{action}", "resolve");
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (path.EndsWith("/import"))
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes("代码\n"));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "file", "empty.csv");
            request.Content = form;
        }
        else if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        return request;
    }
}
