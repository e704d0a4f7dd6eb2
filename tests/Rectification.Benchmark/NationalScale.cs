using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Rectification.Periods;

namespace Rectification.Benchmark;

/// <summary>
/// <c>--national</c>: the system on a synthetic registry of the whole country (generated here, never
/// shipped): 31 provinces, 2,852 counties, 40,000 townships and 500,000 villages under one root, five
/// levels like the region's (the prefecture level folded into the province). A sample of villages gets
/// a case written to storage and is activated over HTTP; the benchmark prints the activation rate, the
/// memory each active village grain costs, and the time to read the root's summary from its grain
/// against a SQL GROUP BY over 500,000 read-model rows.
/// </summary>
public static class NationalScale
{
    public const string Root = "000000000000";
    private const int Provinces = 31, CountiesPerProvince = 92, Townships = 40_000, Villages = 500_000;

    public static async Task<int> RunAsync(string repo, int sample, int concurrency)
    {
        Console.WriteLine($"National scale: {Villages} villages, {Townships} townships, {Provinces * CountiesPerProvince} counties, {Provinces} provinces; sample {sample}, {concurrency} concurrent clients, {Environment.ProcessorCount} cores");
        // Every area below the root is active once the root is read (42,884 of them), and each
        // reconciles on a timer: at the region's 60 s that is 700 reconciliations a second on one silo.
        // At this scale the period is 10 minutes (the reminder and the streams carry the rest; see docs/scaling.md).
        await using var system = await LocalSystem.StartAsync(repo, new Dictionary<string, string> { ["Rollup__ReconcileSeconds"] = "600" });
        await using var db = NpgsqlDataSource.Create(system.ConnectionString);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(system.BaseUrl) };
        var silo = SiloMetrics.Of(system);
        var heap = new SiloHeap(system.SiloPid, silo);

        var rssBefore = (system.SiloRssBytes(), ProcessRss(system.ApiPid));
        var clock = Stopwatch.StartNew();
        var villages = await LoadRegistryAsync(db);
        Console.WriteLine($"registry  {villages.Count + Townships + Provinces * CountiesPerProvince + Provinces + 1} units loaded in {clock.Elapsed.TotalSeconds:F1} s");

        // Every process reloads the registry when its version moves (within 2 s); the token route then knows the root.
        clock.Restart();
        string? token = null;
        while (token is null)
        {
            var answer = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { sub = "national-admin", unit = Root, role = "admin" });
            if (answer.IsSuccessStatusCode) token = (string)(await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
            else if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("The API never saw the national registry.");
            else await Task.Delay(200);
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // Each client its own caller, as the API limits requests per caller.
        var tokens = new string[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var answer = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { sub = $"national-admin-{i}", unit = Root, role = "admin" });
            tokens[i] = (string)(await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        }
        Console.WriteLine($"          seen by the API {clock.Elapsed.TotalSeconds:F1} s after the load; RSS silo {Mib(rssBefore.Item1)} → {Mib(system.SiloRssBytes())} MiB, API {Mib(rssBefore.Item2)} → {Mib(ProcessRss(system.ApiPid))} MiB");

        // The root's first read activates it, and its reconciliation activates every area below it:
        // 42,884 grains, each township reading its villages' stored versions. Wait until it has settled.
        clock.Restart();
        var heapEmpty = await silo.HeapBytesAsync();
        while (JsonNode.Parse(await Get(http, $"/api/v1/units/{Root}/summary?period=2026-11"))!["reconciling"]?.GetValue<bool>() != false)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("The root never settled.");
            await Task.Delay(1000);
        }
        Console.WriteLine($"areas     the root settled {clock.Elapsed.TotalSeconds:F1} s after its first read, which woke the areas below it; " +
            $"silo GC heap {Mib(heapEmpty)} → {Mib(await silo.HeapBytesAsync())} MiB");

        // A contiguous sample (whole townships), each case open with its plan, as the grains would write it.
        var policy = new DuePolicy();
        var today = policy.LocalDate(DateTimeOffset.UtcNow);
        var chosen = villages.Take(sample).ToArray();
        clock.Restart();
        await AgedCases.WriteAsync(system.ConnectionString, chosen.AsParallel().Select(v => AgedCases.Build(v, 1, today, policy)).ToList());
        Console.WriteLine($"cases     {chosen.Length} open cases written to storage in {clock.Elapsed.TotalSeconds:F1} s");

        // Waking the areas queued read-model work too: the heap is read with that queue empty, before as after.
        await silo.ProjectionDrainedAsync();
        var heapBefore = await heap.RestingLiveBytesAsync();
        var rssGrains = system.SiloRssBytes();
        var activations = await Drive(chosen, concurrency, (v, w) => Get(http, $"/api/v1/cases/{v}", tokens[w]));
        Console.WriteLine($"activate  {chosen.Length} village grains in {activations.TotalSeconds:F1} s = {chosen.Length / activations.TotalSeconds:F0} activations/s (each reads its case; {Retries} answers 503 or 429 retried)");
        // The cases went into storage behind their townships' backs, after the townships had reconciled: as an
        // operator would after such a load, each township of the sample is asked to reconcile now (the
        // periodic one, at 600 s here, would take its time). Each compares its villages' stored versions with
        // what it holds and takes their digests.
        clock.Restart();
        var townships = chosen.Select(v => v[..9] + "000").Distinct().ToArray();
        await Drive(townships, concurrency, (t, w) => Post(http, $"/api/v1/units/{t}/summary/reconcile", tokens[w]));
        await WaitForRootAsync(http, chosen.Length);
        Console.WriteLine($"reconcile {townships.Length} townships reconciled and the root exact {clock.Elapsed.TotalSeconds:F1} s later");
        // Any read-model repair queued on the way is written first: what stays is the grains.
        await silo.ProjectionDrainedAsync();
        var rssAfter = system.SiloRssBytes();
        var heapAfter = await heap.RestingLiveBytesAsync();
        var areas = chosen.Select(v => v[..9]).Distinct().Count();
        Console.WriteLine($"memory    silo live heap after a full collection, at rest, {Mib(heapBefore)} → {Mib(heapAfter)} MiB, RSS {Mib(rssGrains)} → {Mib(rssAfter)} MiB: " +
            $"{(heapAfter - heapBefore) / 1024.0 / chosen.Length:F1} KB of live heap and {(rssAfter - rssGrains) / 1024.0 / chosen.Length:F1} KB of RSS per active village " +
            $"(including its share of the {areas} townships' roll-up state; target ≤ 10 KB)");

        // The other villages' read-model rows, so SQL has the whole country to group.
        clock.Restart();
        await Exec(db, """
            INSERT INTO cases (code, status, criteria, categories, problems_open, problems_resolved, problems_closed, problems_archived,
                               four_ones, relapses, version, updated_at)
            SELECT code, (ARRAY['open', 'open', 'open', 'proposed', 'signedOff'])[1 + abs(hashtext(code)) % 5],
                   ARRAY['C' || (1 + abs(hashtext(code || 'c')) % 6)], ARRAY['L' || (1 + abs(hashtext(code || 'l')) % 4)],
                   abs(hashtext(code)) % 4, 1, 0, 0, abs(hashtext(code)) % 2 = 0, 0, 4, now()
              FROM units WHERE level = 'village' AND code NOT IN (SELECT code FROM cases)
            """);
        await Exec(db, "VACUUM ANALYZE cases");
        var rows = await Scalar<long>(db, "SELECT count(*) FROM cases");
        Console.WriteLine($"          read model filled to {rows} rows in {clock.Elapsed.TotalSeconds:F1} s");

        var grain = await TimeAsync(200, () => Get(http, $"/api/v1/units/{Root}/summary?period=2026-11"));
        var sql = await TimeAsync(10, () => Exec(db, """
            SELECT status, cat, crit, count(*), sum(problems_open), count(*) FILTER (WHERE four_ones)
              FROM cases c JOIN units u USING (code), unnest(c.categories) AS cat, unnest(c.criteria) AS crit
             WHERE u.code LIKE '%'
             GROUP BY GROUPING SETS ((status), (cat), (crit), ())
            """));
        Console.WriteLine($"summary   root from its grain over HTTP: p50 {grain:F2} ms; SQL GROUP BY over {rows} rows: p50 {sql:F1} ms; ratio {sql / grain:F0}× (target ≥ 50×)");
        return 0;
    }

    /// <summary>Replaces the region's registry with the synthetic country and tells every process.</summary>
    private static async Task<List<string>> LoadRegistryAsync(NpgsqlDataSource db)
    {
        var villages = new List<string>(Villages);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var wipe = new NpgsqlCommand("TRUNCATE units CASCADE", conn, tx)) await wipe.ExecuteNonQueryAsync();
        await using (var copy = await conn.BeginBinaryImportAsync("COPY units (code, name, level, parent_code, category) FROM STDIN (FORMAT BINARY)"))
        {
            async Task Row(string code, string name, string level, string? parent)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(code, NpgsqlDbType.Varchar);
                await copy.WriteAsync(name, NpgsqlDbType.Varchar);
                await copy.WriteAsync(level, NpgsqlDbType.Varchar);
                if (parent is null) await copy.WriteNullAsync(); else await copy.WriteAsync(parent, NpgsqlDbType.Varchar);
                if (level == "village") await copy.WriteAsync("rural", NpgsqlDbType.Varchar); else await copy.WriteNullAsync();
            }
            await Row(Root, "全国（合成）", "region", null);
            var counties = new List<string>();
            for (var p = 0; p < Provinces; p++)
            {
                var province = $"{11 + p:D2}0000000000";
                await Row(province, $"省{p + 1}", "league", Root);
                for (var c = 0; c < CountiesPerProvince; c++)
                {
                    var county = $"{11 + p:D2}{1000 + c:D4}000000";
                    await Row(county, $"省{p + 1}县{c + 1}", "banner", province);
                    counties.Add(county);
                }
            }
            // Townships in runs per county (14 or 15 each), villages in runs per township (12 or 13 each).
            var townships = new List<string>(Townships);
            var perCounty = new int[counties.Count];
            for (var t = 0; t < Townships; t++)
            {
                var c = (int)((long)t * counties.Count / Townships);
                var township = $"{counties[c][..6]}{100 + perCounty[c]++:D3}000";
                await Row(township, $"乡镇{t + 1}", "township", counties[c]);
                townships.Add(township);
            }
            var perTownship = new int[Townships];
            for (var v = 0; v < Villages; v++)
            {
                var t = (int)((long)v * Townships / Villages);
                var village = $"{townships[t][..9]}{200 + perTownship[t]++:D3}";
                await Row(village, $"村{v + 1}", "village", townships[t]);
                villages.Add(village);
            }
            await copy.CompleteAsync();
        }
        await using (var bump = new NpgsqlCommand("UPDATE registry_version SET version = version + 1", conn, tx)) await bump.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        await Exec(db, "VACUUM ANALYZE units");
        return villages;
    }

    private static async Task WaitForRootAsync(HttpClient http, int opened)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var body = JsonNode.Parse(await Get(http, $"/api/v1/units/{Root}/summary?period=2026-11"))!;
            if (body["cases"]?["byStatus"]?["open"]?.GetValue<long>() == opened) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"The root's summary never showed the {opened} open cases.");
    }

    public static int Retries;

    private static async Task Post(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A GET as a portal makes it: a 503 or 429 (with Retry-After) is retried, up to five times, and counted.</summary>
    private static async Task<string> Get(HttpClient http, string path, string? token = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return text;
            if ((int)response.StatusCode is not (503 or 429) || attempt == 5) throw new HttpRequestException($"{path}: {(int)response.StatusCode} {text}");
            Interlocked.Increment(ref Retries);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<TimeSpan> Drive(string[] items, int concurrency, Func<string, int, Task> work)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Length) await work(items[i], w);
        }));
        return clock.Elapsed;
    }

    /// <summary>The median of n timed runs, in milliseconds, after one untimed warm-up.</summary>
    private static async Task<double> TimeAsync(int n, Func<Task> work)
    {
        await work();
        var times = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await work();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        return times[n / 2];
    }

    private static async Task Exec(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static long ProcessRss(int pid) => ProcStatus.Bytes(pid, "VmRSS");

    private static long Mib(long bytes) => bytes / 1048576;
}
