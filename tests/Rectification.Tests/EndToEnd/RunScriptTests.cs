using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.EndToEnd;

/// <summary>The README's run command itself, driven over HTTP.</summary>
public sealed class RunScriptTests
{
    private const string Region = "150000000000";
    private const string Township = "150102001000";
    private const string Banner = "150102000000";

    private static async Task<HttpClient> As(RunScript run, string unit, string role, string? sub = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(run.BaseUrl) };
        var (_, body, _) = await http.Post("/api/v1/dev/tokens", new { sub = sub ?? $"{role}-e2e", unit, role });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)body!["token"]!);
        return http;
    }

    [Fact]
    public async Task Run_loads_the_region_walks_a_case_survives_a_silo_kill_and_stops_cleanly()
    {
        var data = RunScript.NewDataDir();
        var village = RegistryImport.ReadRows().First(r => r.ParentCode == Township).Code;
        var port = FreePort.Next();

        await using (var run = await RunScript.StartAsync(data, port))
        {
            var admin = await As(run, Region, "admin");
            var (status, children, _) = await admin.Get($"/api/v1/units/{Region}/children");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(12, children!["items"]!.AsArray().Count);
            var villages = RegistryImport.ReadRows().Count(r => r.ParentCode == Township);
            Assert.Equal(villages, (int)(await admin.Get($"/api/v1/units/{Township}")).Body!["childCount"]!);

            var reporter = await As(run, Township, "reporter");
            var reviewer = await As(run, Banner, "reviewer");
            var approver = await As(run, Banner, "approver");
            var villageReporter = await As(run, village, "reporter", "village-reporter-e2e");
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/findings", new { source = "fieldInvestigation", criteria = new[] { "C1" } })).Status);
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/proposal", new { criteria = new[] { "C1" }, categories = new[] { "L1" }, reason = "vacant" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await reviewer.Post($"/api/v1/cases/{village}/review", new { decision = "confirm" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await approver.Post($"/api/v1/cases/{village}/approval", new { decision = "approve" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await reporter.Put($"/api/v1/cases/{village}/plan", new { problems = new[] { new { description = "vacant", criterion = "C1", measures = new[] { "select" }, target = "in post", deadline = "2026-12-31", responsible = "head" } } })).Status);
            // The village resolves its problem; the township closes it (销号).
            Assert.Equal(HttpStatusCode.OK, (await villageReporter.Post($"/api/v1/cases/{village}/problems/P1/resolve")).Status);
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/problems/P1/close")).Status);
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/acceptance")).Status);
            Assert.Equal(HttpStatusCode.OK, (await reviewer.Post($"/api/v1/cases/{village}/acceptance/decision", new { decision = "signOff", satisfactionPercent = 95 })).Status);
            Assert.Equal(HttpStatusCode.OK, (await reviewer.Post($"/api/v1/cases/{village}/relapse", new { criteria = new[] { "C5" }, reason = "no meetings" })).Status);
            Assert.Equal(HttpStatusCode.Conflict, (await reviewer.Post($"/api/v1/cases/{village}/relapse", new { criteria = new[] { "C5" }, reason = "twice" })).Status);

            // Metrics in Prometheus format, on their own loopback ports: the domain's counters, HTTP, Orleans, the runtime.
            var ports = System.Text.RegularExpressions.Regex.Match(run.Output, @"Metrics\s+(http://\S+/metrics) \(API\)\s+(http://\S+/metrics) \(silo\)");
            Assert.True(ports.Success, run.Output);
            using var scraper = new HttpClient();
            var apiMetrics = await scraper.GetStringAsync(ports.Groups[1].Value);
            Assert.Contains("http_server_request_duration_seconds", apiMetrics);
            var siloMetrics = await Eventually.Until(() => scraper.GetStringAsync(ports.Groups[2].Value),
                m => m.Contains("rectification_case_commands_total") && m.Contains("outcome=\"Conflict\""), what: "the silo's command counters");
            Assert.Contains("command=\"approval\"", siloMetrics);
            Assert.Contains("orleans", siloMetrics);
            Assert.Contains("dotnet_gc_collections", siloMetrics);
            Assert.Contains("rectification_storage_group_commit_size", siloMetrics);
            Assert.Contains("db_client_operation_duration", siloMetrics);
            // The public API port does not serve them.
            Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync($"{run.BaseUrl}/metrics")).StatusCode);
            // It serves the portal, with its scripts, under its own content policy.
            var page = await scraper.GetAsync($"{run.BaseUrl}/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("js/app.js", await page.Content.ReadAsStringAsync());
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync($"{run.BaseUrl}/js/app.js")).StatusCode);

            // Kill the silo process outright: run.sh starts it again on the same ports, and the case is intact.
            var killed = run.SiloPid;
            RunScript.Signal(killed, "KILL");
            await Eventually.Until(() => Task.FromResult(run.SiloPid), pid => pid != killed && pid != 0, TimeSpan.FromSeconds(30), "run.sh to start the silo again");
            var (_, afterKill, _) = await Eventually.Until(() => reporter.Get($"/api/v1/cases/{village}"), r => r.Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(90), "the case to be served again after the kill");
            Assert.Equal(10, (int)afterKill!["version"]!);
            Assert.Contains("silo (pid", run.Output);
            await run.StopAsync();
            Assert.False(run.DatabaseRunning(), run.Output);
        }

        await using (var again = await RunScript.StartAsync(data, port))
        {
            var reporter = await As(again, Township, "reporter");
            var (_, c, _) = await reporter.Get($"/api/v1/cases/{village}");
            Assert.Equal("open", (string?)c!["status"]);
            Assert.Equal(10, (int)c["version"]!);
            Assert.Equal(["C5"], c["criteria"]!.AsArray().Select(x => (string)x!));
            Assert.Equal(10, (await reporter.Get($"/api/v1/cases/{village}/history")).Body!["items"]!.AsArray().Count);

            // The second start loaded nothing twice.
            await using var conn = new NpgsqlConnection(again.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM registry_loads)", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            Assert.Equal(15938L, r.GetInt64(0));
            Assert.Equal(1L, r.GetInt64(1));
            await r.DisposeAsync();
            await conn.CloseAsync();

            await again.StopAsync();
            Assert.False(again.DatabaseRunning(), again.Output);
            Assert.Contains("PostgreSQL stopped", again.Output);
        }
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Cohosted_silo_serves_the_api_itself_and_a_kill_of_it_loses_no_acknowledged_write()
    {
        var data = RunScript.NewDataDir();
        var village = RegistryImport.ReadRows().First(r => r.ParentCode == Township).Code;
        await using (var run = await RunScript.StartAsync(data, FreePort.Next(), ["--cohosted"]))
        {
            // One process: the silo answers on the API port, and run.sh started no API process.
            Assert.False(File.Exists(Path.Combine(run.DataDir, "api.pid")), run.Output);
            Assert.Matches(@"Metrics\s+http://\S+/metrics \(silo, with the API\)", run.Output);
            using var anonymous = new HttpClient { BaseAddress = new Uri(run.BaseUrl) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/units/{Region}")).StatusCode);
            var page = await anonymous.GetAsync("/");
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

            var admin = await As(run, Region, "admin");
            Assert.Equal(12, (await admin.Get($"/api/v1/units/{Region}/children")).Body!["items"]!.AsArray().Count);
            var reporter = await As(run, Township, "reporter");
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/findings", new { source = "fieldInvestigation", criteria = new[] { "C1" } })).Status);
            Assert.Equal(HttpStatusCode.OK, (await reporter.Post($"/api/v1/cases/{village}/proposal", new { criteria = new[] { "C1" }, categories = new[] { "L1" }, reason = "vacant" })).Status);
            // A village's reporter stays inside its own subtree here too.
            var outsider = await As(run, RegistryImport.ReadRows().First(r => r.ParentCode == Township && r.Code != village).Code, "reporter", "other-village-e2e");
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"/api/v1/cases/{village}/findings", new { source = "selfCheck", criteria = new[] { "C2" } })).Status);

            // Killing the silo kills the API with it; run.sh starts it again on the same port, and both writes are there.
            var killed = run.SiloPid;
            RunScript.Signal(killed, "KILL");
            await Eventually.Until(() => Task.FromResult(run.SiloPid), pid => pid != killed && pid != 0, TimeSpan.FromSeconds(30), "run.sh to start the silo again");
            var (_, afterKill, _) = await Eventually.Until(async () =>
            {
                try { return await reporter.Get($"/api/v1/cases/{village}"); }
                catch (HttpRequestException) { return (HttpStatusCode.ServiceUnavailable, (System.Text.Json.Nodes.JsonNode?)null, null!); }
            }, r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "the case to be served again after the kill");
            Assert.Equal(2, (int)afterKill!["version"]!);
            Assert.Equal("proposed", (string?)afterKill["status"]);
            await run.StopAsync();
            Assert.False(run.DatabaseRunning(), run.Output);
        }
        Directory.Delete(data, recursive: true);
    }
}
