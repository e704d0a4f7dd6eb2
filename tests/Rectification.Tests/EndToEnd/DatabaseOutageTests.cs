using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Rectification.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rectification.Tests.EndToEnd;

/// <summary>
/// PostgreSQL stopped hard under load and started again, on a cluster of the test's own: while it is
/// gone every failed answer is a 503 with Retry-After (never a 500), the service recovers by itself,
/// no acknowledged write is lost, and a write repeated with its Idempotency-Key gets its first answer.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _pgDir = Path.Combine(RunScript.RepoRoot, ".data", $"outage-{Guid.NewGuid():N}"[..15]);
    private ApiFixture _fx = null!;

    public async Task InitializeAsync()
    {
        await Pg("start");
        var url = (await Pg("url")).Trim();
        _fx = new ApiFixture { CreateDatabase = () => TestDatabase.CreateAsync(url) };
        await _fx.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Pg("start");   // running again, so the database can be dropped
        await _fx.DisposeAsync();
        await Pg("stop");
        try { Directory.Delete(_pgDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task<string> Pg(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RunScript.RepoRoot, "deploy", "pg.sh"), command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RECT_PG_DIR"] = _pgDir;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg.sh {command}: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task Postgres_stopped_hard_mid_burst_answers_503_recovers_and_loses_no_acknowledged_write()
    {
        const int Reporters = 16;
        var villages = Storage.RegistryImport.ReadRows().Where(r => r.Level == Units.UnitLevel.Village && r.Code.StartsWith("150105", StringComparison.Ordinal))
            .Take(Reporters).Select(r => r.Code).ToList();
        var acknowledged = new ConcurrentBag<(string Village, string Key, string Body)>();
        var statuses = new ConcurrentDictionary<int, int>();
        var unexpected = new ConcurrentBag<string>();
        var missingRetryAfter = 0;
        using var stop = new CancellationTokenSource();

        // Reporters write findings, each under its own key, and retry like a portal: the same key until an answer that is not a 503.
        async Task Reporter(string village, int n)
        {
            var client = _fx.Client(village, Role.Reporter, $"reporter-{n}");
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"outage-{n}-{i}";
                while (true)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await client.SendAsync(Request(village, key));
                    }
                    catch (HttpRequestException)
                    {
                        continue;
                    }
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add((village, key, text));
                        break;
                    }
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        if (response.Headers.RetryAfter is null) Interlocked.Increment(ref missingRetryAfter);
                        await Task.Delay(200);   // as Retry-After asks (a portal's pause, not a wait for the test)
                        continue;
                    }
                    unexpected.Add($"{(int)response.StatusCode} {text}");
                    break;
                }
            }
        }

        var load = villages.Select((v, n) => Task.Run(() => Reporter(v, n))).ToList();
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), c => c >= 100, what: "a first burst of acknowledged writes");
        var before = acknowledged.Count;
        await Pg("kill");
        var outage = Stopwatch.StartNew();
        // ToArray is the dictionary's own atomic snapshot: LINQ over it directly races the reporters' updates.
        string Answers() => string.Join(", ", statuses.ToArray().OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
        string Seen() => Answers() + $"; unexpected: {string.Join(" | ", unexpected.Take(3))}";
        await Eventually.Until(() => Task.FromResult(Seen()), _ => statuses.GetValueOrDefault(503) >= 20 || !unexpected.IsEmpty,
            what: "503s (or anything else) while the database is gone");
        while (outage.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(100);   // the outage lasts five seconds
        await Pg("start");
        var restarted = outage.Elapsed;
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), c => c >= before + 200, TimeSpan.FromSeconds(60), "writes acknowledged again after the restart");
        stop.Cancel();
        await Task.WhenAll(load);
        var recovered = outage.Elapsed - restarted;
        output.WriteLine($"{acknowledged.Count} acknowledged; answers {Answers()}; "
            + $"database away {restarted.TotalSeconds:F1} s, writes flowing again {recovered.TotalSeconds:F1} s after its restart");

        Assert.Empty(unexpected);
        Assert.False(statuses.ContainsKey(500));
        Assert.Equal(0, missingRetryAfter);
        Assert.True(statuses.GetValueOrDefault(503) > 0);

        // Every acknowledged write is in the stored cases, exactly once.
        var stored = await StoredCases.LoadAsync(_fx.Db);
        foreach (var group in acknowledged.GroupBy(a => a.Village))
        {
            Assert.Equal(group.Count(), stored[group.Key].Findings.Length);
        }
        // A write repeated with its key gets its first answer, byte for byte.
        foreach (var (village, key, body) in acknowledged.OrderBy(_ => Guid.NewGuid()).Take(50))
        {
            var again = await _fx.Client(village, Role.Reporter, $"reporter-{villages.IndexOf(village)}").SendAsync(Request(village, key));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(body, await again.Content.ReadAsStringAsync());
        }
    }

    private static HttpRequestMessage Request(string village, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{village}/findings")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { source = "selfCheck", criteria = new[] { "C5" }, note = key }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
