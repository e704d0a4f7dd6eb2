using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;
using Rectification.Units;
using Xunit.Abstractions;

namespace Rectification.Tests.EndToEnd;

/// <summary>
/// A scaled run (two silo processes), a burst of writes over HTTP, one silo process killed with
/// SIGKILL during the burst and PostgreSQL stopped hard for five seconds later in it: only 503s (and
/// 429s) on the way, no acknowledged write lost or doubled, a write repeated with its key answered as
/// the first time, and every level's summary equal to the figures computed straight from the database.
/// </summary>
public sealed class ScaledRunTests(ITestOutputHelper output)
{
    private const string League = "150100000000";

    [Fact]
    public async Task A_silo_killed_and_postgres_stopped_during_a_burst_lose_nothing_and_leave_every_level_exact()
    {
        var data = RunScript.NewDataDir();
        await using var run = await RunScript.StartAsync(data, FreePort.Next(), ["--silos", "2"],
            new Dictionary<string, string> { ["Rollup__ReconcileSeconds"] = "5", ["RateLimit__PerSecond"] = "2000", ["RateLimit__Burst"] = "2000" });
        using var http = new HttpClient { BaseAddress = new Uri(run.BaseUrl), Timeout = TimeSpan.FromSeconds(90) };
        // Nobody acts twice on one decision chain: the proposer, the reviewer and the approver are three people.
        var tokens = new Dictionary<string, string>();
        foreach (var role in new[] { "admin", "reviewer", "approver" })
        {
            var (_, minted, _) = await http.Post("/api/v1/dev/tokens", new { sub = $"burst-{role}", unit = "150000000000", role });
            tokens[role] = (string)minted!["token"]!;
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens["admin"]);
        string TokenFor(string path) => path switch { "review" => tokens["reviewer"], "approval" => tokens["approver"], _ => tokens["admin"] };

        var rows = RegistryImport.ReadRows();
        var villages = rows.Where(r => r.Level == UnitLevel.Village && r.Code.StartsWith("1501")).Where((_, i) => i % 4 == 0).Take(240).Select(r => r.Code).ToArray();
        var month = Period.MonthOf(new DuePolicy().LocalDate(DateTimeOffset.UtcNow)).ToString();

        // Every write carries an Idempotency-Key and is retried until answered, as a portal would: while
        // the cluster notices the dead silo the API answers 503 with Retry-After, never a bare 500.
        var outageLock = new object();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(HttpMethod Method, string Path, object Body, string Key, string Answer)>();
        var retries = 0;
        var longestOutage = TimeSpan.Zero;
        async Task Send(HttpMethod method, string path, object body)
        {
            var key = Guid.NewGuid().ToString();
            var first = DateTime.UtcNow;
            for (var delay = 250; ; delay = Math.Min(delay * 2, 2000))
            {
                try
                {
                    var (status, problem, _) = await http.SendJson(method, path, body, r =>
                    {
                        r.Headers.Add("Idempotency-Key", key);
                        r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(path.Split('/')[5]));
                    });
                    if (status == HttpStatusCode.OK)
                    {
                        acknowledged.Add((method, path, body, key, problem!.ToJsonString()));
                        lock (outageLock) if (DateTime.UtcNow - first > longestOutage) longestOutage = DateTime.UtcNow - first;
                        return;
                    }
                    Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests, $"{path}: {status} {problem}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
                Interlocked.Increment(ref retries);
                Assert.True(DateTime.UtcNow - first < TimeSpan.FromSeconds(120), $"{path} never succeeded in 2 minutes");
                await Task.Delay(delay);
            }
        }

        var phases = new (HttpMethod, string, object)[]
        {
            (HttpMethod.Post, "findings", new { source = "fieldInvestigation", criteria = new[] { "C1", "C5" } }),
            (HttpMethod.Post, "proposal", new { criteria = new[] { "C1", "C5" }, categories = new[] { "L1" }, reason = "weak" }),
            (HttpMethod.Post, "review", new { decision = "confirm" }),
            (HttpMethod.Post, "approval", new { decision = "approve" }),
            (HttpMethod.Put, "plan", new { problems = new[] { new { description = "vacant", criterion = "C1", measures = new[] { "select" }, target = "in post", deadline = "2026-12-31", responsible = "head" } } }),
            (HttpMethod.Post, $"reports/{month}", new { problemsResolved = 1, measuresDone = 1, fundsYuan = 99.99m, projects = 1, newMembers = 1 }),
        };
        var done = 0;
        var killed = false;
        Task? databaseOutage = null;
        await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (v, _) =>
        {
            foreach (var (method, path, body) in phases) await Send(method, $"/api/v1/cases/{v}/{path}", body);
            // Kill the second silo's process outright once a third of the villages are through.
            if (Interlocked.Increment(ref done) == villages.Length / 3 && !killed)
            {
                killed = true;
                RunScript.Signal(run.Pid("silo-2"), "KILL");
            }
            // Later, PostgreSQL is stopped hard for five seconds (the outage's length is the scenario, not a wait).
            if (done == villages.Length * 2 / 3 && databaseOutage is null)
            {
                databaseOutage = Task.Run(async () =>
                {
                    await run.DatabaseAsync("kill");
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    await run.DatabaseAsync("start");
                });
            }
        });
        Assert.True(killed);
        Assert.NotNull(databaseOutage);
        await databaseOutage!;
        Assert.Contains("silo-2 (pid", run.Output);
        output.WriteLine($"{villages.Length * phases.Length} writes acknowledged, {retries} retries around the silo kill and the database outage, longest wait for one write {longestOutage.TotalSeconds:F1} s");

        var township = rows.First(r => r.Code == villages[0]).ParentCode!;
        var banner = rows.First(r => r.Code == township).ParentCode!;
        await using var db = NpgsqlDataSource.Create(run.ConnectionString);
        var registry = new UnitRegistry(db);
        var cases = await StoredCases.LoadAsync(db);
        Assert.Equal(villages.Length, cases.Count);
        Assert.All(villages, v => Assert.Equal(6, cases[v].Version));
        // Repeated with its key, a write is answered as it was the first time.
        foreach (var (method, path, body, key, answer) in acknowledged.OrderBy(_ => Guid.NewGuid()).Take(60))
        {
            var (status, again, _) = await http.SendJson(method, path, body, r =>
            {
                r.Headers.Add("Idempotency-Key", key);
                r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(path.Split('/')[5]));
            });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(answer, again!.ToJsonString());
        }
        var today = new DuePolicy().LocalDate(DateTimeOffset.UtcNow);
        var started = DateTime.UtcNow;
        foreach (var unit in new[] { "150000000000", League, banner, township })
        {
            foreach (var period in new[] { month, Period.Parse(month).QuarterOf.ToString() })
            {
                var expected = await StoredCases.ExpectedAsync(registry, cases, unit, Period.Parse(period), today);
                var diff = "";
                await Eventually.Until(async () => (await http.Get($"/api/v1/units/{unit}/summary?period={period}")).Body!,
                    body => StoredCases.Matches(body, expected, out diff), TimeSpan.FromSeconds(90), $"{unit} {period} exact ({diff})");
            }
        }
        output.WriteLine($"every level exact {(DateTime.UtcNow - started).TotalSeconds:F1} s after the burst");
        await run.StopAsync();
        Assert.False(run.DatabaseRunning());
        Directory.Delete(data, recursive: true);
    }
}
