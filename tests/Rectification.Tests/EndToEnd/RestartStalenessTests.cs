using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;
using Rectification.Units;
using Xunit.Abstractions;

namespace Rectification.Tests.EndToEnd;

/// <summary>
/// The whole system restarted right after a burst of writes: from the moment it reports ready, the
/// region's summary is either exact with respect to every acknowledged write or says it is still
/// reconciling; never a silently stale figure.
/// </summary>
public sealed class RestartStalenessTests(ITestOutputHelper output)
{
    private const string Region = "150000000000";

    [Fact]
    public async Task After_a_restart_a_summary_is_exact_or_says_it_is_reconciling()
    {
        var data = RunScript.NewDataDir();
        var port = FreePort.Next();
        var villages = RegistryImport.ReadRows().Where(r => r.Level == UnitLevel.Village && r.Code.StartsWith("1509", StringComparison.Ordinal))
            .Where((_, i) => i % 7 == 0).Take(120).Select(r => r.Code).ToList();
        await using (var run = await RunScript.StartAsync(data, port))
        {
            using var http = await Client(run);
            // Reads first, so the region's roll-up is active and persisted with an older state, then a burst of writes.
            Assert.Equal(HttpStatusCode.OK, (await http.Get($"/api/v1/units/{Region}/summary?period=2026-11")).Status);
            await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (v, _) =>
            {
                var (status, _, _) = await http.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C2" } });
                Assert.Equal(HttpStatusCode.OK, status);
            });
            await run.StopAsync();
        }

        await using var again = await RunScript.StartAsync(data, port);
        using var client = await Client(again);
        await using var db = NpgsqlDataSource.Create(again.ConnectionString);
        var expected = await StoredCases.ExpectedAsync(new UnitRegistry(db), await StoredCases.LoadAsync(db), Region, Period.Parse("2026-11"),
            new DuePolicy().LocalDate(DateTimeOffset.UtcNow));
        Assert.Equal(villages.Count, (int)expected.GetValueOrDefault("cases.byStatus.screened", villages.Count));

        var started = DateTime.UtcNow;
        int answers = 0, reconciling = 0, stale = 0;
        string last = "";
        while (true)
        {
            var (status, body, _) = await client.Get($"/api/v1/units/{Region}/summary?period=2026-11");
            answers++;
            if (status != HttpStatusCode.OK) { reconciling++; continue; }
            var exact = StoredCases.Matches(body!, expected, out last);
            if ((bool)body!["reconciling"]!) reconciling++;
            else if (!exact) stale++;
            else break;
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), $"not exact after 60 s: {last}");
        }
        var took = DateTime.UtcNow - started;
        output.WriteLine($"exact {took.TotalSeconds:F1} s after readiness; {answers} answers, {reconciling} said reconciling, {stale} silently stale");
        Assert.Equal(0, stale);
        Assert.True(took < TimeSpan.FromSeconds(5), $"the region took {took.TotalSeconds:F1} s to be exact after readiness");
        await again.StopAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task After_a_silo_is_killed_and_restarted_a_summary_is_exact_or_says_it_is_reconciling()
    {
        var data = RunScript.NewDataDir();
        var villages = RegistryImport.ReadRows().Where(r => r.Level == UnitLevel.Village && r.Code.StartsWith("1507", StringComparison.Ordinal))
            .Where((_, i) => i % 5 == 0).Take(160).Select(r => r.Code).ToList();
        await using var run = await RunScript.StartAsync(data, FreePort.Next(), ["--silos", "2"]);
        using var http = await Client(run);
        Assert.Equal(HttpStatusCode.OK, (await http.Get($"/api/v1/units/{Region}/summary?period=2026-11")).Status);
        await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (v, _) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                var (status, _, _) = await http.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C3" } },
                    r => r.Headers.Add("Idempotency-Key", $"crash-{v}"));
                if (status == HttpStatusCode.OK) return;
                Assert.True(status == HttpStatusCode.ServiceUnavailable && attempt < 50, $"{v}: {status}");
            }
        });
        // Right after the burst, the second silo dies; run.sh starts it again.
        var killed = run.Pid("silo-2");
        RunScript.Signal(killed, "KILL");
        await Eventually.Until(() => Task.FromResult(run.Pid("silo-2")), pid => pid != killed && pid != 0, TimeSpan.FromSeconds(30), "run.sh to restart silo-2");
        // From the moment the restarted silo reports ready.
        var siloHttp = int.Parse(File.ReadAllText(Path.Combine(data, "silo-2-http.port")).Trim());
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) })
        {
            await Eventually.Until(async () =>
            {
                try { return (await probe.GetAsync($"http://127.0.0.1:{siloHttp}/health/ready")).StatusCode; }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return HttpStatusCode.ServiceUnavailable; }
            }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the restarted silo to report ready");
        }

        await using var db = NpgsqlDataSource.Create(run.ConnectionString);
        var expected = await StoredCases.ExpectedAsync(new UnitRegistry(db), await StoredCases.LoadAsync(db), Region, Period.Parse("2026-11"),
            new DuePolicy().LocalDate(DateTimeOffset.UtcNow));
        var started = DateTime.UtcNow;
        int answers = 0, reconciling = 0, unavailable = 0, stale = 0, exactInARow = 0;
        var firstExact = TimeSpan.Zero;
        // Poll until ten answers in a row are exact and settled: a stale answer anywhere on the way is counted.
        while (exactInARow < 10)
        {
            var (status, body, _) = await http.Get($"/api/v1/units/{Region}/summary?period=2026-11");
            answers++;
            if (status != HttpStatusCode.OK) { unavailable++; exactInARow = 0; continue; }
            var exact = StoredCases.Matches(body!, expected, out _);
            if ((bool)body!["reconciling"]!) { reconciling++; exactInARow = 0; }
            else if (!exact) { stale++; exactInARow = 0; }
            else { if (exactInARow++ == 0 && firstExact == TimeSpan.Zero) firstExact = DateTime.UtcNow - started; }
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(90), "not exact 90 s after the restart");
        }
        output.WriteLine($"after the silo's restart: exact and settled {firstExact.TotalSeconds:F1} s on; {answers} answers, {reconciling} reconciling, "
            + $"{unavailable} unavailable, {stale} silently stale");
        Assert.Equal(0, stale);
        await run.StopAsync();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<HttpClient> Client(RunScript run)
    {
        var http = new HttpClient { BaseAddress = new Uri(run.BaseUrl) };
        var (_, body, _) = await http.Post("/api/v1/dev/tokens", new { sub = "restart-e2e", unit = Region, role = "admin" });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)body!["token"]!);
        return http;
    }
}
