using System.Text.Json;
using Npgsql;
using Orleans.Storage;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Grains;

/// <summary>
/// The village grains' own storage over PostgreSQL: cases round-trip whole, writes are grouped into
/// shared transactions yet each is version-checked on its own, each write's read-model rows are written
/// with it and only if it took, a write that fails (its state or its rows) fails alone and leaves nothing behind, and a
/// write carries only the parts of the case that changed.
/// </summary>
public sealed class CaseStateStorageTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly DateTimeOffset T0 = new(2023, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private static GrainId Id(string code) => GrainId.Create("village", code);

    // Real organizations: a case's ledger and report rows name a unit of the registry.
    private static readonly string[] Villages = [.. RegistryImport.ReadRows().Where(r => r.Level == Units.UnitLevel.Village && r.Code.StartsWith("1507")).Select(r => r.Code)];

    private static HistoryEntry Entry(int version, string command = "report") =>
        new(version, T0.AddDays(version), "reporter-1", Role.Reporter, command, CaseStatus.Open, CaseStatus.Open, $"第{version}次 记录");

    private static MonthlyReport Report(Period month, string narrative = "按计划推进，党员大会召开") =>
        new(month, new ReportFigures(1, 2, 1234.56m, 1, 1, 0, 1, 2, narrative), T0, month.End, true, "reporter-1");

    /// <summary>A case of some age: `months` monthly reports, one history entry each.</summary>
    private static CaseState Aged(string code, int months)
    {
        var start = Period.MonthOf(new DateOnly(2023, 12, 1));
        var reports = Enumerable.Range(0, months).Select(i => Report(Period.MonthOf(start.Start.AddMonths(i)))).ToArray();
        return new CaseState
        {
            Code = code, Status = CaseStatus.Open, Version = months + 1, Criteria = ["C1"], Categories = ["L1"],
            History = [Entry(1, "import"), .. Enumerable.Range(2, months).Select(v => Entry(v))],
            Reports = reports,
            Evaluations = [new QuarterlyEvaluation(Period.Parse("2024-Q1"), 88, 1, 4, "较好", T0, "township-1", true)],
        };
    }

    private static string Json(CaseState s) => JsonSerializer.Serialize(s, CaseStateStorage.Json);

    private async Task<long> CountAsync(string sql, params object[] args) => await _db.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task A_case_round_trips_whole_and_in_order()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy());
        var aged = Aged("150102001001", 5);
        var state = new GrainState<CaseState>(aged);
        await storage.WriteStateAsync("case", Id("150102001001"), state);
        // Once written, the grain holds its entries slim, as a reload gives them: the whole ones are in storage.
        Assert.Equal(Json(aged with { History = [.. aged.History.Select(CaseStateStorage.Slim)] }), Json(state.State!));

        // A revision replaces March's report and moves it to the end, as the rules do.
        var march = state.State!.Reports.Single(r => r.Month == Period.Parse("2024-03"));
        var revised = state.State! with
        {
            Version = 7,
            Reports = [.. state.State!.Reports.Where(r => r != march), march with { Revisions = 1, Figures = march.Figures with { FundsYuan = 99m } }],
            History = [.. state.State!.History, Entry(7)],
        };
        state.State = revised;
        await storage.WriteStateAsync("case", Id("150102001001"), state);

        var loaded = await CaseStateStorage.LoadAsync(_db.DataSource, "150102001001");
        Assert.Equal(Json(revised with { History = [.. aged.History, Entry(7)] }), Json(loaded!));
        Assert.Equal("7", state.ETag);

        // A grain gets its history slim; the whole entries stay in storage, and a write from that
        // grain (its parts unknown to this storage) never replaces them.
        var fresh = new GrainState<CaseState>();
        await new CaseStateStorage(_db.DataSource, new Periods.DuePolicy()).ReadStateAsync("case", Id("150102001001"), fresh);
        Assert.Equal(Json(revised with { History = [.. revised.History.Select(CaseStateStorage.Slim)] }), Json(fresh.State!));
        Assert.All(fresh.State!.History, h => Assert.Equal("", h.Detail));
        Assert.Equal("7", fresh.ETag);
        Assert.True(fresh.RecordExists);
        var unknown = new GrainState<CaseState>(fresh.State! with { Version = 8, History = [.. fresh.State!.History, Entry(8)] }) { ETag = "7" };
        await storage.WriteStateAsync("case", Id("150102001001"), unknown);
        var whole = (await CaseStateStorage.LoadAsync(_db.DataSource, "150102001001"))!;
        Assert.Equal(aged.History[0], whole.History[0]);
        Assert.Equal("第8次 记录", whole.History[^1].Detail);
        Assert.Equal(["第2次 记录", "第3次 记录"], (await CaseParts.HistoryAsync(_db.DataSource, "150102001001", after: 1, limit: 2)).Select(h => h.Detail));

        var none = new GrainState<CaseState>();
        await storage.ReadStateAsync("case", Id("150102001002"), none);
        Assert.False(none.RecordExists);
        Assert.Null(none.ETag);
    }

    [Fact]
    public async Task Writes_share_transactions_and_each_is_durable()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy(), writers: 2);
        var commits = storage.Commits;
        var codes = Villages[..400];
        var states = codes.Select(c => new GrainState<CaseState>(Aged(c, 2))).ToArray();

        await Task.WhenAll(codes.Select((c, i) => storage.WriteStateAsync("case", Id(c), states[i])));

        Assert.Equal(400, await CountAsync("SELECT count(*) FROM case_states WHERE code = ANY($1)", (object)codes));
        // With each, in the same statement: its ledger row, three audit entries, two reports and an evaluation.
        Assert.Equal(400, await CountAsync("SELECT count(*) FROM cases WHERE code = ANY($1) AND version = 3", (object)codes));
        Assert.Equal(400 * 3, await CountAsync("SELECT count(*) FROM case_history WHERE code = ANY($1) AND doc IS NOT NULL", (object)codes));
        Assert.Equal(400 * 2, await CountAsync("SELECT count(*) FROM case_reports WHERE code = ANY($1) AND doc IS NOT NULL", (object)codes));
        Assert.Equal(400, await CountAsync("SELECT count(*) FROM case_parts WHERE code = ANY($1)", (object)codes));
        Assert.All(states, s => Assert.Equal("3", s.ETag));
        Assert.True(commits.Transactions < 400, $"{commits.Transactions} transactions for 400 writes");
    }

    [Fact]
    public async Task In_one_transaction_a_stale_write_and_a_bad_one_fail_alone()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy(), writers: 1);
        var commits = storage.Commits;
        var blocker = new GrainState<CaseState>(Aged("150102002001", 1));
        var stale = new GrainState<CaseState>(Aged("150102002002", 1));
        await storage.WriteStateAsync("case", Id("150102002001"), blocker);
        await storage.WriteStateAsync("case", Id("150102002002"), stale);
        const string Rows = """
            SELECT (SELECT count(*) FROM case_parts WHERE code = $1) + (SELECT count(*) FROM case_history WHERE code = $1)
                 + (SELECT count(*) FROM case_reports WHERE code = $1) + (SELECT coalesce(sum(version), 0) FROM cases WHERE code = $1)
            """;
        var rowsBefore = await CountAsync(Rows, "150102002002");

        // Hold the blocker's row, so the one writer waits inside a transaction while the rest queue up
        // behind it: they then go together in the next one.
        await using var holder = await _db.DataSource.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM case_states WHERE code = '150102002001' FOR UPDATE", holder, tx)) await lockRow.ExecuteScalarAsync();
        blocker.State = blocker.State! with { Version = 3, History = [.. blocker.State!.History, Entry(3)] };
        var blocked = storage.WriteStateAsync("case", Id("150102002001"), blocker);
        await Eventually.Until(() => CountAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"),
            n => n == 1, what: "the writer waiting on the held row");

        var good = Villages[400..430].Select(c => (Code: c, State: new GrainState<CaseState>(Aged(c, 1)))).ToArray();
        var writes = good.Select(g => storage.WriteStateAsync("case", Id(g.Code), g.State)).ToList();
        stale.ETag = "1";   // the stored version is 2: someone else wrote since
        stale.State = stale.State! with { Version = 3, History = [.. stale.State!.History, Entry(3)] };
        var staleWrite = storage.WriteStateAsync("case", Id("150102002002"), stale);
        var bad = storage.WriteStateAsync("case", Id("1501020020099999"), new GrainState<CaseState>(Aged("1501020020099999", 1)));  // too long a code
        // A state the table takes whose ledger row the read model refuses (no such unit): refused as a whole.
        var orphan = storage.WriteStateAsync("case", Id("159999999999"), new GrainState<CaseState>(Aged("159999999999", 1)));
        var before = commits.Transactions;
        await tx.CommitAsync();

        await blocked;
        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => bad);
        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, refused.SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await Assert.ThrowsAsync<PostgresException>(() => orphan)).SqlState);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM case_states WHERE code = '159999999999'"));

        Assert.Equal(30, await CountAsync("SELECT count(*) FROM case_states WHERE code = ANY($1)", (object)good.Select(g => g.Code).ToArray()));
        Assert.Equal(2, await _db.ScalarAsync<int>("SELECT version FROM case_states WHERE code = '150102002002'"));
        // Nothing of the stale write: no audit entry, no ledger row of its version.
        Assert.Equal(rowsBefore, await CountAsync(Rows, "150102002002"));
        Assert.Equal(3, await _db.ScalarAsync<int>("SELECT version FROM case_states WHERE code = '150102002001'"));
        // One shared transaction that the bad statement broke, then each of its 33 writes on its own.
        Assert.Equal(before + 1 + 33, commits.Transactions);
    }

    [Fact]
    public async Task The_writer_keeps_its_connection_and_after_losing_it_goes_on_with_another()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy(), writers: 1);
        // The writer's backend: the one whose last statement was a group's audit entries (every write
        // here has one, and its statement comes last in the batch). Queries of the test's own never are.
        const string Writer = """
            SELECT pid FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'INSERT INTO case_history%'
            """;
        async Task Write(string code) => await storage.WriteStateAsync("case", Id(code), new GrainState<CaseState>(Aged(code, 1)));

        await Write(Villages[0]);
        var first = await _db.ScalarAsync<int>(Writer);
        Assert.NotEqual(0, first);   // found (no row reads as 0)
        for (var i = 0; i < 5; i++) await CountAsync("SELECT count(*) FROM case_states");   // the pool's connections, busy and back
        await Write(Villages[1]);
        Assert.Equal(first, await _db.ScalarAsync<int>(Writer));

        // Its connection cut (a restarted database, a network fault): the next write may fail with it,
        // and writes after that go through on a new connection.
        Assert.True(await _db.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", first));
        await Eventually.Until(() => CountAsync("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", first), n => n == 0, what: "the writer's backend gone");
        var cut = await Record.ExceptionAsync(() => Write(Villages[2]));
        Assert.True(cut is null || DatabaseErrors.IsTransient(cut), $"{cut}");
        Assert.Equal(cut is null ? 1 : 0, await CountAsync("SELECT count(*) FROM case_states WHERE code = $1", Villages[2]));
        await Write(Villages[3]);
        Assert.NotEqual(first, await _db.ScalarAsync<int>(Writer));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM case_states WHERE code = $1", Villages[3]));
    }

    [Fact]
    public async Task A_writer_with_nothing_to_write_gives_its_connection_back_to_the_pool()
    {
        // A pool of one connection that waits at most a second for it: whoever holds it, the other cannot have it.
        var oneConnection = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Timeout = 1 }.ConnectionString;
        await using var pool = Hosting.SiloConfiguration.CreateDataSource(oneConnection, maxPoolSize: 1);
        await using var commits = new GroupCommit(pool, writers: 1, keepIdle: TimeSpan.FromSeconds(5));
        async Task<int> OpenAndClose() { await using var c = await pool.OpenConnectionAsync(); return 1; }

        Assert.Equal(1, await commits.ExecuteAsync(new NpgsqlBatchCommand("SELECT 1")));
        await Assert.ThrowsAnyAsync<NpgsqlException>(OpenAndClose);   // the writer keeps it
        await Eventually.Until(async () => (await Record.ExceptionAsync(OpenAndClose)) is null, ok => ok, TimeSpan.FromSeconds(30),
            what: "the connection back in the pool once the writer has been quiet for its keepIdle");
        Assert.Equal(1, await commits.ExecuteAsync(new NpgsqlBatchCommand("SELECT 1")));   // and the writer takes it again
    }

    [Fact]
    public async Task In_a_shared_transaction_a_write_that_lost_its_check_leaves_no_rows()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy(), writers: 1);
        var commits = storage.Commits;
        var (blockerCode, twinCode, staleCode) = (Villages[500], Villages[501], Villages[502]);
        var blocker = new GrainState<CaseState>(Aged(blockerCode, 1));
        var twin = new GrainState<CaseState>(Aged(twinCode, 1));
        var stale = new GrainState<CaseState>(Aged(staleCode, 1));
        foreach (var (code, state) in new[] { (blockerCode, blocker), (twinCode, twin), (staleCode, stale) }) await storage.WriteStateAsync("case", Id(code), state);

        // The one writer waits inside a transaction on the blocker's row; what follows queues behind it
        // and goes in the next transaction, together.
        await using var holder = await _db.DataSource.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM case_states WHERE code = '{blockerCode}' FOR UPDATE", holder, tx)) await lockRow.ExecuteScalarAsync();
        blocker.State = blocker.State! with { Version = 3, History = [.. blocker.State!.History, Entry(3)] };
        var blocked = storage.WriteStateAsync("case", Id(blockerCode), blocker);
        await Eventually.Until(() => CountAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"),
            n => n == 1, what: "the writer waiting on the held row");

        // Two activations of one case (a silo wrongly declared dead), both at version 2, each with its
        // own next entry and report: the first queued takes version 3, the second loses its check.
        CaseState Next(CaseState s, string command, string month) =>
            s with { Version = 3, History = [.. s.History, Entry(3, command)], Reports = [.. s.Reports, Report(Period.Parse(month))] };
        var first = new GrainState<CaseState>(Next(twin.State!, "report", "2024-01")) { ETag = "2", RecordExists = true };
        var second = new GrainState<CaseState>(Next(twin.State!, "plan", "2024-02")) { ETag = "2", RecordExists = true };
        var good = Villages[510..530].Select(c => (Code: c, State: new GrainState<CaseState>(Aged(c, 1)))).ToArray();
        var before = commits.Transactions;
        var goodWrites = good.Select(g => storage.WriteStateAsync("case", Id(g.Code), g.State)).ToList();
        var firstWrite = storage.WriteStateAsync("case", Id(twinCode), first);
        var secondWrite = storage.WriteStateAsync("case", Id(twinCode), second);
        // An activation that missed a write: it read version 1, the store holds 2.
        stale.ETag = "1";
        stale.State = Next(stale.State!, "report", "2024-03");
        var staleWrite = storage.WriteStateAsync("case", Id(staleCode), stale);
        await tx.CommitAsync();

        await blocked;
        await Task.WhenAll(goodWrites);
        await firstWrite;
        await Assert.ThrowsAsync<InconsistentStateException>(() => secondWrite);
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.Equal(before + 1, commits.Transactions);

        // The twin holds the first write's rows and none of the second's.
        Assert.Equal(3, await _db.ScalarAsync<int>("SELECT version FROM case_states WHERE code = $1", twinCode));
        Assert.Equal(3, await _db.ScalarAsync<int>("SELECT version FROM cases WHERE code = $1", twinCode));
        Assert.Equal("report", await _db.ScalarAsync<string>("SELECT command FROM case_history WHERE code = $1 AND version = 3", twinCode));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM case_reports WHERE code = $1 AND month = '2024-01'", twinCode));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM case_reports WHERE code = $1 AND month = '2024-02'", twinCode));
        // The stale write left nothing: its state, ledger row, audit entry and report are all version 2's.
        Assert.Equal(2, await _db.ScalarAsync<int>("SELECT version FROM case_states WHERE code = $1", staleCode));
        Assert.Equal(2, await _db.ScalarAsync<int>("SELECT version FROM cases WHERE code = $1", staleCode));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM case_history WHERE code = $1 AND version = 3", staleCode));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM case_reports WHERE code = $1 AND month = '2024-03'", staleCode));
        Assert.Equal(20, await CountAsync("SELECT count(*) FROM cases WHERE code = ANY($1) AND version = 2", (object)good.Select(g => g.Code).ToArray()));
        Assert.Equal(20 * 2, await CountAsync("SELECT count(*) FROM case_history WHERE code = ANY($1)", (object)good.Select(g => g.Code).ToArray()));
    }

    [Fact]
    public async Task A_write_carries_only_the_parts_that_changed()
    {
        await using var storage = new CaseStateStorage(_db.DataSource, new Periods.DuePolicy());
        var code = "150102003001";
        var state = new GrainState<CaseState>(Aged(code, 36));
        await storage.WriteStateAsync("case", Id(code), state);
        Assert.Equal(37, await CountAsync("SELECT count(*) FROM case_history WHERE code = $1", code));
        Assert.Equal(36, await CountAsync("SELECT count(*) FROM case_reports WHERE code = $1", code));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM case_parts WHERE code = $1", code));

        // Mark a stored report behind the storage's back: a write that does not change that report
        // must leave it alone, and one from an activation the storage does not know rewrites it.
        async Task Mark() => await CountAsync("UPDATE case_reports SET doc = replace(doc, '按计划推进', 'MARK') WHERE code = $1 AND month = '2023-12' RETURNING 1::bigint", code);
        await Mark();
        state.State = state.State! with { Version = 38, History = [.. state.State!.History, Entry(38)], Reports = [.. state.State!.Reports, Report(Period.Parse("2026-12"))] };
        await storage.WriteStateAsync("case", Id(code), state);
        Assert.Contains("MARK", (await CaseStateStorage.LoadAsync(_db.DataSource, code))!.Reports[0].Figures.Narrative);

        var other = new GrainState<CaseState>(state.State) { ETag = state.ETag };
        other.State = other.State! with { Version = 39, History = [.. other.State!.History, Entry(39)] };
        await storage.WriteStateAsync("case", Id(code), other);
        Assert.DoesNotContain("MARK", (await CaseStateStorage.LoadAsync(_db.DataSource, code))!.Reports[0].Figures.Narrative);

        // The row rewritten on each command holds the current facts only: no longer for 37 reports.
        var young = new GrainState<CaseState>(Aged("150102003002", 1));
        await storage.WriteStateAsync("case", Id("150102003002"), young);
        var aged = await CountAsync("SELECT octet_length(state)::bigint FROM case_states WHERE code = $1", code);
        var fresh = await CountAsync("SELECT octet_length(state)::bigint FROM case_states WHERE code = $1", "150102003002");
        Assert.InRange(aged - fresh, 0, 2);   // "Version":39 against "Version":2
    }
}
