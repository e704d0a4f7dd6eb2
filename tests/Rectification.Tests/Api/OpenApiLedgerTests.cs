using System.Text.Json.Nodes;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>Portals and scripts discover the ledger's routes from the OpenAPI document: parameters, enumerations, schemas.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiLedgerTests(ApiFixture fx)
{
    [Fact]
    public async Task Every_new_route_documents_its_parameters_enumerations_and_schemas()
    {
        var doc = JsonNode.Parse(await fx.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!;
        foreach (var (path, method) in new[]
        {
            ("/api/v1/units/{code}", "put"), ("/api/v1/units/{code}/history", "get"), ("/api/v1/units/{code}/cases", "get"),
            ("/api/v1/units/{code}/reports/summary-table", "get"), ("/api/v1/units/{code}/reports/weak-organizations", "get"),
            ("/api/v1/units/{code}/reports/difficult-elections", "get"), ("/api/v1/units/import", "post"), ("/api/v1/cases/import", "post"),
            ("/api/v1/units/import/template", "get"), ("/api/v1/cases/import/template", "get"),
            ("/api/v1/organization-categories", "get"), ("/api/v1/organization-categories/{code}", "put"),
        })
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method} {path} is not documented");
            Assert.True(operation!["responses"]!.AsObject().Any(r => r.Key.StartsWith('2') && r.Value?["content"] is not null), $"{method} {path} has no documented answer");
        }
        var list = paths["/api/v1/units/{code}/cases"]!["get"]!;
        var parameters = list["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        foreach (var name in new[] { "status", "criterion", "laggingCategory", "organizationCategory", "overdue", "report", "fourOnes", "electionDifficult", "q", "figure", "period", "sort", "limit", "cursor", "format" })
        {
            Assert.True(parameters.ContainsKey(name), $"the ledger list does not document {name}");
        }
        Assert.Equal(["json", "csv", "xlsx"], parameters["format"]["schema"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Contains("missing", parameters["report"]["schema"]!["enum"]!.AsArray().Select(v => (string)v!));
        var schemas = doc["components"]!["schemas"]!.AsObject();
        foreach (var schema in new[] { "LedgerPage", "LedgerRowDto", "FigureTotal", "SummaryTableDto", "ImportReport", "RowOutcome", "UnitDto", "ElectionRecord" })
        {
            Assert.True(schemas.ContainsKey(schema), $"schema {schema} missing");
        }
        Assert.NotNull(paths["/api/v1/units/import"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]);
    }
}
