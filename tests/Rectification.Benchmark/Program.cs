using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Rectification.Benchmark;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Storage;
using Rectification.Units;

// Month-end rush: every village-level unit of the real region submits its monthly report over HTTP,
// many reporters at once, against ./run.sh. Prints throughput, latency, roll-up convergence, memory,
// and the same durable single-row write straight to PostgreSQL at the same concurrency.
// The CRUD peer's own process (CrudPeer.StartAsync starts it).
if (args.FirstOrDefault() == "--crud-peer") return await CrudPeer.ServeAsync();
// The defaults are #11's conditions, so that a bare `tests/bench.sh` measures what docs/benchmarks.md
// reports: 32 reporters, the API co-hosted in the silo, a warm-up of 3,000.
var concurrency = Arg("--concurrency", 32);
var limit = Arg("--villages", int.MaxValue);
// With --aged-months N, every case has been in the ledger for N months (reports, evaluations, history)
// before the rush, instead of being opened over HTTP just now; N = 0 gives new cases with the same plan
// and four ones, the fair comparison.
var agedMonths = Arg("--aged-months", -1);
// The silo serves the API itself (run.sh --cohosted): one process, no client hop. --api-process runs
// the scaled layout instead, an API process in front of the silo (--cohosted is still taken, and is the default).
var cohosted = !args.Contains("--api-process");
// With --warmup N, the first N villages report before the rush, then correct those reports until the silo's
// JIT is nearly quiet (the peer's first N report before its run),
// untimed: a silo in service has run the report path before the month-end, and a path first hot in the
// rush spends a sixth of the silo's CPU in the JIT's tier-up (docs/benchmarks.md, session 9).
var warmupCount = Arg("--warmup", 3000);
// With --rush-only, no baselines (direct writes, pgbench, the CRUD peer): the product's own figures, for
// comparing changes to it within one window. No ratios to the targets are printed then.
var rushOnly = args.Contains("--rush-only");
// With --pairs N (default 3), after the baselines: N more runs of the rush's villages (correcting their
// reports) and N more of the peer, alternating, each pair seconds apart; --pairs 0 for none.
var pairs = Arg("--pairs", 3);
if (args.Contains("--national")) return await NationalScale.RunAsync(FindRepo(), Arg("--sample", 50_000), concurrency);
var policy = new DuePolicy();
var month = Period.MonthOf(policy.LocalDate(DateTimeOffset.UtcNow)).ToString();
var repo = FindRepo();
var villages = RegistryImport.ReadRows().Where(r => r.Level == UnitLevel.Village).Select(r => r.Code).Take(limit).ToArray();
var (warm, timed) = (villages[..Math.Min(warmupCount, villages.Length / 2)], villages[Math.Min(warmupCount, villages.Length / 2)..]);
// With --shuffle the rush takes its villages in a random order (the same each run) instead of by code, where
// neighbours (one township's villages) report one after another.
var shuffled = args.Contains("--shuffle");
if (shuffled) new Random(11).Shuffle(timed);
// PostgreSQL's shared memory and the silo's GC heap on huge pages, unless --no-huge-pages: on this VM
// the kernel's memory sampler holds a core for each tick it spends walking ordinary pages, and huge pages
// are outside its reach (docs/benchmarks.md, session 22). pgbench and the peer run on the same cluster.
// The silo's heap gets a hard limit then (run.sh): aged cases, which need several times more, keep
// ordinary pages.
var hugePages = !args.Contains("--no-huge-pages");
const int SiloHeapMb = 1536;

Console.WriteLine($"Month-end rush benchmark: {villages.Length} villages, {concurrency} concurrent reporters, month {month}, {Environment.ProcessorCount} cores, "
    + (cohosted ? "API co-hosted in the silo" : "API process and silo") + (shuffled ? ", villages in random order" : ", villages in code order"));
var environment = new Dictionary<string, string>();
if (cohosted) environment["RECT_COHOSTED"] = "1";
if (hugePages) environment["RECT_PG_HUGE_PAGES"] = "1";
if (hugePages && agedMonths < 0) environment["RECT_SILO_HEAP_HUGE_PAGES_MB"] = SiloHeapMb.ToString();
await using var system = await LocalSystem.StartAsync(repo, environment);
var siloHugePages = system.SiloHugePagesBytes();
await using (var show = Databases.Of(system.ConnectionString).CreateCommand("SHOW huge_pages"))
    // "on" only when the pages were reserved (PostgreSQL will not start without them then); "try" otherwise.
    Console.WriteLine($"huge      PostgreSQL's shared memory on huge pages: {((string)(await show.ExecuteScalarAsync())! == "on" ? "yes" : "no")}; "
        + $"the silo's GC heap: {(siloHugePages > 0 ? $"yes ({SiloHeapMb} MiB at most, {siloHugePages >> 20} MiB held now)" : "no")}");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(system.BaseUrl) };
var admins = await Tokens("admin");
// Reporters are many people, each with a token of their own and a per-caller rate limit: 32 tokens sending
// thousands of reports a second would be 32 people sending 100 a second each, over the limit.
var reporters = await Tokens("reporter", concurrency * 8);
string ReporterOf(string village) => reporters[long.Parse(village) % reporters.Length];
// Nobody acts twice on one decision chain: review and approval come from other people than the proposal.
var reviewers = await Tokens("reviewer");
var approvers = await Tokens("approver");

// 1. Open a case for every village (findings, proposal, review, approval), so each owes a report; or
//    write aged cases straight into storage and activate each one (a read of the case).
Run setup;
if (agedMonths < 0)
{
    setup = await Drive(villages, async (v, w) =>
    {
        foreach (var (token, path, body) in new (string, string, object)[]
        {
            (admins[w], "findings", new { source = "selfCheck", criteria = new[] { "C1" } }),
            (admins[w], "proposal", new { criteria = new[] { "C1" }, categories = new[] { $"L{v[^1] % 4 + 1}" }, reason = "benchmark" }),
            (reviewers[w], "review", new { decision = "confirm" }),
            (approvers[w], "approval", new { decision = "approve" }),
        })
        {
            await Post(token, $"/api/v1/cases/{v}/{path}", body);
        }
    });
    Console.WriteLine($"setup     {villages.Length * 4} commands in {setup.Elapsed.TotalSeconds:F1} s = {villages.Length * 4 / setup.Elapsed.TotalSeconds:F0} commands/s ({setup.Errors} errors)");
}
else
{
    var today = policy.LocalDate(DateTimeOffset.UtcNow);
    var built = Stopwatch.StartNew();
    var aged = villages.AsParallel().Select(v => AgedCases.Build(v, agedMonths, today, policy)).ToList();
    await AgedCases.WriteAsync(system.ConnectionString, aged);
    Console.WriteLine($"aged      {aged.Count} cases of {agedMonths} months ({aged[0].Version} commands each) built and stored in {built.Elapsed.TotalSeconds:F1} s");
    setup = await Drive(villages, (v, w) => Get(admins[w], $"/api/v1/cases/{v}"));
    Console.WriteLine($"activate  {villages.Length} aged cases read (activated) in {setup.Elapsed.TotalSeconds:F1} s = {villages.Length / setup.Elapsed.TotalSeconds:F0} activations/s ({setup.Errors} errors)");
    // Each activation found its read-model row missing and queued it (with its whole history for the
    // audit log): let that drain, so the rush is measured alone.
    var drained = Stopwatch.StartNew();
    await using (var behind = Databases.Of(system.ConnectionString).CreateCommand(
        "SELECT count(*) FROM case_states s LEFT JOIN cases c USING (code) WHERE coalesce(c.version, 0) < s.version"))
    {
        while ((long)(await behind.ExecuteScalarAsync())! > 0) await Task.Delay(500);
    }
    await SiloMetrics.Of(system).ProjectionDrainedAsync();
    Console.WriteLine($"          read model and audit log caught up {drained.Elapsed.TotalSeconds:F1} s later");
}
await StoredSizes(system.ConnectionString);
// The setup is a bulk load into fresh tables, done in about a minute: sooner than autovacuum's first
// ANALYZE of them. Analyze now, as it would shortly, so that no statement keeps a plan made when the
// tables were nearly empty (the townships' version query kept a sequential scan of `cases` that way).
await Sql(system.ConnectionString, "ANALYZE");

// 2. The rush, after the warm-up if one was asked for.
object Report() => new { problemsResolved = 1, measuresDone = 2, fundsYuan = 1234.56m, projects = 1, trainings = 1, newMembers = 1, activists = 2, reserveCadres = 3, narrative = "progress" };
// One report, as the warm-up and the timed runs send it (to the product, or to the peer): the same
// code in both, so a timed run runs it warm.
Func<string, int, Task> ReportsTo(HttpClient to) => (village, worker) => Post(ReporterOf(village), $"/api/v1/cases/{village}/reports/{month}", Report(), to);
var sendReport = ReportsTo(http);
var warmRounds = 0;
var siloMetrics = SiloMetrics.Of(system);
if (warm.Length > 0)
{
    var warmed = await Drive(warm, sendReport);
    // Then the same villages correct their reports, round after round, until the JIT is nearly quiet,
    // the silo's and this process's (the load generator's) alike: tiering needs calls to promote a
    // method, and a short warm-up ends before the hot path is fully optimized, leaving that work to the
    // rush. (What the load generator still compiled in the rush came from its measuring code, not from
    // sending reports: SettleAsync.) The rush's villages are untouched either way.
    var (rounds, compiled, compiledHere) = (0, double.MaxValue, long.MaxValue);
    while (rounds < 8 && (compiled > 50 || compiledHere > 50))
    {
        var (before, beforeHere) = (await siloMetrics.RuntimeAsync(), System.Runtime.JitInfo.GetCompiledMethodCount());
        var corrected = await Drive(warm, sendReport);
        (compiled, compiledHere) = ((await siloMetrics.RuntimeAsync() - before).JitMethods, System.Runtime.JitInfo.GetCompiledMethodCount() - beforeHere);
        warmed = warmed with { Errors = warmed.Errors + corrected.Errors };
        rounds++;
    }
    warmRounds = rounds;
    Console.WriteLine($"warm-up   {warm.Length} reports first and {rounds} rounds of corrections to them, not timed ({warmed.Errors} errors; "
        + $"{compiled:F0} methods compiled in the silo and {compiledHere} in the load generator in the last round); the rush is the other {timed.Length}");
}
// A CHECKPOINT before each measured run (this one and the baselines), so that each meets the database as
// one in service would. A cluster that has never checkpointed has no old WAL segments to reuse: every
// 16 MB of WAL the rush wrote made PostgreSQL create and zero-fill a new segment file while commits
// waited (three in a rush of 11,592 reports), while the peer, run after pgbench had forced checkpoints,
// reused old ones. After a checkpoint the segments before it are renamed for reuse, as in service.
await Sql(system.ConnectionString, "CHECKPOINT");
await Statements.ResetAsync(system.ConnectionString);
var cpu = new CpuMeter(system.SiloPid, system.ApiPid);
// The silo's live heap (after a full collection it induces), which is what active cases hold: its RSS
// keeps whatever the heap once grew to.
var liveBefore = await new SiloHeap(system.SiloPid, siloMetrics).LiveBytesAsync();
var rssBefore = system.SiloRssBytes();
var settled = await SettleAsync();
var runtimeBefore = await siloMetrics.RuntimeAsync();
var walBeforeRush = await WalMeter.TakeAsync(system.ConnectionString);
var cpuBeforeRush = cpu.Take();
var (lgJitBefore, lgJitTimeBefore) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
// On stderr, for lining up a profile or a trace with the rush.
Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] rush starts");
var rush = await Drive(timed, sendReport);
var lastAck = DateTime.UtcNow;
Console.Error.WriteLine($"[{lastAck:HH:mm:ss.fff}] rush ends");
// With --latencies FILE, each report of the rush as "started-ms latency-ms", in the order they started: to
// see whether the slow ones come together (a pause of everything) or alone.
if (Array.IndexOf(args, "--latencies") is var at and >= 0 && at + 1 < args.Length)
{
    await File.WriteAllLinesAsync(args[at + 1], rush.Starts!.Zip(rush.Latencies).OrderBy(x => x.First)
        .Select(x => FormattableString.Invariant($"{x.First:F2} {x.Second:F2}")));
}
var rushCpu = CpuMeter.Between(cpuBeforeRush, cpu.Take());
var (lgJit, lgJitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount() - lgJitBefore, System.Runtime.JitInfo.GetCompilationTime() - lgJitTimeBefore);
var walAfterRush = await WalMeter.TakeAsync(system.ConnectionString);
var rushRuntime = await siloMetrics.RuntimeAsync() - runtimeBefore;
var rssAfter = system.SiloRssBytes();

// 3. Time from the last acknowledged write until the region's summary equals the figures computed from stored state.
var expectedTask = Task.Run(() => Expected(system.ConnectionString, month, policy));
var converged = await Converge(expectedTask, lastAck);

// Where PostgreSQL's time went during the rush and until the read model caught up, per report.
var statements = await Statements.ReadAsync(system.ConnectionString, timed.Length);
var rushWal = await WalMeter.BetweenAsync(system.ConnectionString, walBeforeRush, walAfterRush);

Run? direct = null, peer = null;
double pgbenchTps = 0;
CpuMeter.Sample? peerCpu = null, pgbenchCpu = null;
double peerProcessMs = 0;
bool? peerOnHugePages = null;
var pairRates = new List<(double Product, double Peer)>();
var pairErrors = 0;
WalMeter.Sample? peerWal = null;
if (!rushOnly)
{
    // 4. The same durable single-row write, straight to PostgreSQL, same concurrency, same count.
    await CheckpointAndSettleAsync();
    direct = await Direct(system.ConnectionString, villages, month);

    // 5. PostgreSQL's own ceiling (pgbench, a ~2 KB row, prepared, same clients, 20 s), and the plain CRUD peer
    //    (same route, same JWT validation, one upsert and one audit insert per report) driven like the rush.
    await Pgbench.PrepareAsync(system.ConnectionString, villages.Length);
    await CheckpointAndSettleAsync();
    var cpuBeforePgbench = cpu.Take();
    pgbenchTps = await Pgbench.RunAsync(system.ConnectionString, concurrency, 20, villages.Length);
    pgbenchCpu = CpuMeter.Between(cpuBeforePgbench, cpu.Take());
    // The peer's heap on huge pages when the silo's is, with the same limit.
    using var peerHeap = siloHugePages > 0 ? HugeHeap.Reserve(repo, SiloHeapMb, Path.Combine(system.DataDir, "peer-huge-pages")) : null;
    await using (var crud = await CrudPeer.StartAsync(system.ConnectionString, File.ReadAllText(Path.Combine(system.DataDir, "signing.key")).Trim(), concurrency + 4,
        peerHeap?.Environment ?? new Dictionary<string, string>()))
    {
        peerOnHugePages = ProcStatus.Bytes(crud.Pid, "HugetlbPages") > 0;
        using var peerHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(crud.BaseUrl) };
        var peerReport = ReportsTo(peerHttp);
        // The same warm-up as the product's: its reports and as many rounds again.
        if (warm.Length > 0) for (var round = 0; round <= warmRounds; round++) await Drive(warm, peerReport);
        await CheckpointAndSettleAsync();
        var walBeforePeer = await WalMeter.TakeAsync(system.ConnectionString);
        var cpuBeforePeer = cpu.Take();
        var peerBefore = CpuMeter.ProcessMs(crud.Pid);
        peer = await Drive(timed, peerReport);
        peerProcessMs = CpuMeter.ProcessMs(crud.Pid) - peerBefore;
        peerCpu = CpuMeter.Between(cpuBeforePeer, cpu.Take());
        peerWal = await WalMeter.BetweenAsync(system.ConnectionString, walBeforePeer, await WalMeter.TakeAsync(system.ConnectionString));

        // 6. Pairs. This machine's pace changes by up to twice within minutes (docs/benchmarks.md, session
        //    24), and the rush and the peer's run above are half a minute apart, so their one ratio says as
        //    much about the machine as about the code. Here each pair runs the product (the rush's villages
        //    correcting their reports: the same route and the same write, a new version each) and the peer
        //    seconds apart, in the order A B, B A, A B, ... so a steady drift favours neither; each after a
        //    checkpoint, settled, as every measured run. The median of the pairs' ratios is printed beside the one above.
        //    Both first run their warm-up villages once more, untimed: the silo has been idle through the
        //    baselines, and its first run after that was the slowest of the product's in every trial.
        if (pairs > 0 && warm.Length > 0)
        {
            await Drive(warm, sendReport);
            await Drive(warm, peerReport);
        }
        for (var pair = 0; pair < pairs; pair++)
        {
            var productRate = 0.0;
            var peerRate = 0.0;
            foreach (var product in pair % 2 == 0 ? new[] { true, false } : [false, true])
            {
                await CheckpointAndSettleAsync();
                var round = await Drive(timed, product ? sendReport : peerReport);
                pairErrors += round.Errors;
                if (product) productRate = timed.Length / round.Elapsed.TotalSeconds;
                else peerRate = timed.Length / round.Elapsed.TotalSeconds;
            }
            pairRates.Add((productRate, peerRate));
        }
    }
}

var reportsPerSecond = timed.Length / rush.Elapsed.TotalSeconds;
Console.WriteLine($"rush      {timed.Length} reports in {rush.Elapsed.TotalSeconds:F1} s = {reportsPerSecond:F0} reports/s ({rush.Errors} errors)");
Console.WriteLine($"          latency ms p50 {rush.P(50):F1}  p95 {rush.P(95):F1}  p99 {rush.P(99):F1}  max {rush.P(100):F1}");
Console.WriteLine($"roll-up   region summary exact {converged.TotalMilliseconds:F0} ms after the last acknowledged write (target ≤ 1000 ms)");
if (direct is not null && peer is not null)
{
    var directPerSecond = villages.Length / direct.Elapsed.TotalSeconds;
    var peerPerSecond = timed.Length / peer.Elapsed.TotalSeconds;
    Console.WriteLine($"direct    {villages.Length} upserts in {direct.Elapsed.TotalSeconds:F1} s = {directPerSecond:F0} writes/s; latency ms p50 {direct.P(50):F1}  p95 {direct.P(95):F1}  p99 {direct.P(99):F1}");
    Console.WriteLine($"ratio     HTTP reports/s ÷ direct PostgreSQL writes/s = {reportsPerSecond / directPerSecond:F2}");
    Console.WriteLine($"pgbench   {pgbenchTps:F0} upserts/s (~2 KB row, prepared, {concurrency} clients, 20 s); rush ÷ pgbench = {reportsPerSecond / pgbenchTps:F3} (target ≥ 0.30)");
    Console.WriteLine($"peer      CRUD peer {peerPerSecond:F0} reports/s ({peer.Errors} errors), latency ms p50 {peer.P(50):F1}  p99 {peer.P(99):F1}; rush ÷ peer = {reportsPerSecond / peerPerSecond:F3} (target ≥ 1.5)"
        + (peerOnHugePages is { } onHuge ? $"; its GC heap on huge pages: {(onHuge ? "yes" : "no")}" : ""));
}
if (pairRates.Count > 0)
{
    var ratios = pairRates.Select(p => p.Product / p.Peer).ToArray();
    var sorted = ratios.Order().ToArray();
    var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    Console.WriteLine($"pairs     {pairRates.Count} pairs, each the rush's villages correcting their reports and the peer's run, seconds apart ({pairErrors} errors):");
    Console.WriteLine($"          rush {string.Join(", ", pairRates.Select(p => $"{p.Product:F0}"))} reports/s; peer {string.Join(", ", pairRates.Select(p => $"{p.Peer:F0}"))}; "
        + $"rush ÷ peer {string.Join(", ", ratios.Select(r => $"{r:F2}"))}, median {median:F2}");
}
Console.WriteLine($"memory    silo live heap {liveBefore / 1048576} MiB before the rush ({liveBefore / 1024.0 / villages.Length:F1} KB per village); RSS {rssBefore / 1048576} MiB before, {rssAfter / 1048576} MiB after");
// Per report: the product's processes, PostgreSQL and the load generator (this process) during the rush;
// the peer's process, PostgreSQL and the load generator during the peer's run.
double PerReport(double ms) => ms / timed.Length;
Console.WriteLine($"cpu       per report, rush: silo {PerReport(rushCpu.Silo):F3} ms, API {PerReport(rushCpu.Api):F3} ms, PostgreSQL {PerReport(rushCpu.Postgres):F3} ms, load generator {PerReport(rushCpu.Self):F3} ms");
if (peerCpu is { } pc) Console.WriteLine($"          per report, peer: peer {PerReport(peerProcessMs):F3} ms, PostgreSQL {PerReport(pc.Postgres):F3} ms, load generator {PerReport(pc.Self):F3} ms");
// How much of the box each run kept busy: what one leaves idle it loses to waiting, not to the CPU it spends.
Console.WriteLine($"cores     busy of {Environment.ProcessorCount}: rush {rushCpu.CoresBusy:F2}"
    + (pgbenchCpu is null ? "" : $", pgbench {pgbenchCpu.CoresBusy:F2}") + (peerCpu is null ? "" : $", peer {peerCpu.CoresBusy:F2}"));
// Of that, the kernel's memory sampler (kdamond), which this VM's platform runs and nothing here controls:
// its bursts stall whatever runs on the core they take, the product's serial writer included.
Console.WriteLine($"          of which the kernel's memory sampler (kdamond): rush {rushCpu.SamplerCores:F3}"
    + (pgbenchCpu is null ? "" : $", pgbench {pgbenchCpu.SamplerCores:F3}") + (peerCpu is null ? "" : $", peer {peerCpu.SamplerCores:F3}"));
// The rush's WAL is taken until its last acknowledgement: the roll-up's few writes after it are left out.
Console.WriteLine($"wal       per report, rush: {rushWal.PerReport(timed.Length)}" + (peerWal is { } pw ? $"; peer: {pw.PerReport(timed.Length)}" : ""));
// The silo's runtime during the rush: a JIT still compiling means the rush ran before the silo was warm
// (see --warmup); collector pauses add to the latency's tail.
Console.WriteLine($"runtime   silo in the rush: JIT {rushRuntime.JitSeconds:F2} s ({rushRuntime.JitMethods:F0} methods), GC pauses {rushRuntime.GcPauseSeconds * 1000:F0} ms "
    + $"(gen0 {rushRuntime.Gen0:F0}, gen1 {rushRuntime.Gen1:F0}, gen2 {rushRuntime.Gen2:F0}), allocated {rushRuntime.AllocatedBytes / 1024 / timed.Length:F1} KB per report");
Console.WriteLine($"          load generator in the rush: JIT {lgJitTime.TotalSeconds:F2} s ({lgJit} methods), after {settled.TotalSeconds:F1} s settling");
foreach (var line in statements) Console.WriteLine(line);
return rush.Errors == 0 && setup.Errors == 0 && (peer?.Errors ?? 0) == 0 && pairErrors == 0 ? 0 : 1;

// A JSON body with its length, as a portal's fetch sends it: JsonContent streams the body in chunks
// instead, which costs the server (product and peer alike) the chunked decoding no real client asks for.
static ByteArrayContent Body(object body)
{
    var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    return content;
}

async Task<string[]> Tokens(string role, int? count = null)
{
    var tokens = new string[count ?? concurrency];
    for (var i = 0; i < tokens.Length; i++)
    {
        var response = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { sub = $"{role}-{i}", unit = "150000000000", role });
        tokens[i] = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
    }
    return tokens;
}

async Task Post(string token, string path, object body, HttpClient? to = null)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await (to ?? http).SendAsync(request);
    if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

// A read as a portal makes it: 429 (the per-caller limit; activation reads are fast) and 503 are retried after Retry-After.
async Task Get(string token, string path)
{
    for (var attempt = 1; ; attempt++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode) return;
        if ((int)response.StatusCode is not (429 or 503) || attempt == 5)
            throw new HttpRequestException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
    }
}

// Before each measured run: the measuring code (reading /proc, the WAL position, the silo's metrics) run
// until running it, and waiting for this process's JIT to go quiet, compiles nothing more; then the box
// left quiet by what came before. The load generator shares the two cores with what it measures. Code
// called often enough before a run is promoted to its optimized tier and compiled in the background, and
// without this that compiling ran in the rush (435–473 methods, about 0.2 s of CPU; docs/benchmarks.md,
// session 18).
async Task<TimeSpan> SettleAsync()
{
    var settling = Stopwatch.StartNew();
    for (var round = 0; round < 5; round++)
    {
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        cpu.Take();
        await WalMeter.TakeAsync(system.ConnectionString);
        await siloMetrics.RuntimeAsync();
        await QuietJitAsync();
        if (System.Runtime.JitInfo.GetCompiledMethodCount() == before) break;
    }
    await QuietBoxAsync();
    return settling.Elapsed;
}

// The baselines' and the pairs' runs start alike: a checkpoint (see the rush's), then settled, as the rush is.
async Task CheckpointAndSettleAsync()
{
    await Sql(system.ConnectionString, "CHECKPOINT");
    await SettleAsync();
}

// Until the whole box has been nearly idle (under a fifth of a core) for 250 ms, at most 10 s: what the
// last run left behind (the roll-up's tail after the product's, the WAL writer after either) is not
// counted against the next.
async Task QuietBoxAsync()
{
    var waited = Stopwatch.StartNew();
    var before = cpu.Take();
    while (waited.Elapsed < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(250);
        var now = cpu.Take();
        if (CpuMeter.Between(before, now).CoresBusy < 0.2) return;
        before = now;
    }
}

// Until this process's JIT has compiled nothing for 200 ms (at most 5 s).
static async Task QuietJitAsync()
{
    var waited = Stopwatch.StartNew();
    var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    while (waited.Elapsed < TimeSpan.FromSeconds(5))
    {
        await Task.Delay(200);
        var now = System.Runtime.JitInfo.GetCompiledMethodCount();
        if (now == compiled) return;
        compiled = now;
    }
}

// One statement with no answer: ANALYZE after the set-up, and CHECKPOINT before each measured run.
static async Task Sql(string connectionString, string statement)
{
    var db = Databases.Of(connectionString);
    await using var cmd = db.CreateCommand(statement);
    await cmd.ExecuteNonQueryAsync();
}

// What a command rewrites (the state row) against all a case holds (state and parts), on average.
static async Task StoredSizes(string connectionString)
{
    var db = Databases.Of(connectionString);
    await using var cmd = db.CreateCommand("""
        SELECT avg(octet_length(s.state))::float8, avg(octet_length(s.state) + coalesce(p.bytes, 0))::float8
          FROM case_states s LEFT JOIN (SELECT code, sum(octet_length(doc)) AS bytes
                                          FROM (SELECT code, doc FROM case_parts UNION ALL SELECT code, doc FROM case_history
                                                UNION ALL SELECT code, doc FROM case_reports) d GROUP BY code) p USING (code)
        """);
    await using var reader = await cmd.ExecuteReaderAsync();
    await reader.ReadAsync();
    Console.WriteLine($"stored    per case: state row {reader.GetDouble(0):F0} B (rewritten by each command), whole case {reader.GetDouble(1):F0} B");
}

async Task<Run> Drive(string[] items, Func<string, int, Task> work)
{
    var latencies = new double[items.Length];
    var starts = new double[items.Length];
    var next = -1;
    var errors = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < items.Length)
        {
            var started = Stopwatch.GetTimestamp();
            starts[i] = clock.Elapsed.TotalMilliseconds;
            try { await work(items[i], w); }
            catch (Exception ex) { if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine(ex.Message); }
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }));
    return new Run(clock.Elapsed, latencies, errors, starts);
}

async Task<TimeSpan> Converge(Task<SortedDictionary<string, long>> expected, DateTime since)
{
    var polls = new List<(DateTime At, JsonNode Body)>();
    var deadline = since.AddMinutes(2);
    while (DateTime.UtcNow < deadline)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/units/150000000000/summary?period={month}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admins[0]);
        using var response = await http.SendAsync(request);
        polls.Add((DateTime.UtcNow, JsonNode.Parse(await response.Content.ReadAsStringAsync())!));
        if (expected.IsCompleted)
        {
            var first = polls.FirstOrDefault(p => Matches(p.Body, expected.Result));
            if (first.Body is not null) return first.At - since;
        }
        await Task.Delay(20);
    }
    throw new TimeoutException("The region's summary did not become exact within 2 minutes.");
}

static bool Matches(JsonNode body, SortedDictionary<string, long> expected)
{
    foreach (var (name, value) in expected)
    {
        if (name == "evaluations.scoreSum") continue;
        var (path, want) = name == "support.fundsFen" ? ("support.fundsYuan", value / 100m) : (name, (decimal)value);
        var node = path.Split('.').Aggregate<string, JsonNode?>(body, (n, part) => n?[part]);
        if (node is null || node.GetValue<decimal>() != want) return false;
    }
    return true;
}

static async Task<SortedDictionary<string, long>> Expected(string connectionString, string month, DuePolicy policy)
{
    // As its own role, so that reading every case back is not counted among the rush's statements.
    var db = Databases.Of(await Statements.CensusConnectionAsync(connectionString));
    var total = new Counters();
    foreach (var stored in (await Rectification.Storage.CaseStateStorage.LoadAllAsync(db)).Values) total.Add(DigestBuilder.From(stored, policy));
    var figures = SummaryEvaluator.Evaluate(total.Values, Period.Parse(month), policy.LocalDate(DateTimeOffset.UtcNow), policy);
    foreach (var (k, v) in await new UnitRegistry(db).OrganizationsAsync("150000000000")) figures[k] = v;
    return figures;
}

async Task<Run> Direct(string connectionString, string[] codes, string month)
{
    var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = concurrency + 4 };
    await using var db = NpgsqlDataSource.Create(builder.ConnectionString);
    await using (var create = db.CreateCommand("""
        CREATE TABLE IF NOT EXISTS bench_direct (code varchar(12), month varchar(7), figures jsonb, received_at timestamptz, PRIMARY KEY (code, month));
        TRUNCATE bench_direct
        """)) await create.ExecuteNonQueryAsync();
    var figures = JsonSerializer.Serialize(new { problemsResolved = 1, measuresDone = 2, fundsYuan = 1234.56m, projects = 1, trainings = 1, newMembers = 1, activists = 2, reserveCadres = 3, narrative = "progress" });
    return await Drive(codes, async (code, _) =>
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO bench_direct (code, month, figures, received_at) VALUES ($1, $2, $3::jsonb, now())
            ON CONFLICT (code, month) DO UPDATE SET figures = excluded.figures, received_at = excluded.received_at
            """);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(month);
        cmd.Parameters.AddWithValue(figures);
        await cmd.ExecuteNonQueryAsync();
    });
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Grains.sln"))) return dir.FullName;
    throw new InvalidOperationException("Grains.sln not found");
}

internal sealed record Run(TimeSpan Elapsed, double[] Latencies, int Errors, double[]? Starts = null)
{
    private readonly double[] _sorted = [.. Latencies.Order()];
    public double P(int percentile) => _sorted.Length == 0 ? 0 : _sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * _sorted.Length) - 1, 0, _sorted.Length - 1)];
}
