using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Tests.Infrastructure;
using Rectification.Units;
using Xunit.Abstractions;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class RollupGrainTests(ClusterFixture fx, ITestOutputHelper output)
{
    private static readonly Period[] Periods = [Period.Parse("2026-10"), Period.Parse("2026-11"), Period.Parse("2026-12"), Period.Parse("2026-Q4")];
    private static readonly IReadOnlyList<Storage.RegistryImport.Row> Rows = Storage.RegistryImport.ReadRows();

    private DateOnly Today => new DuePolicy().LocalDate(fx.Clock.GetUtcNow());

    private Task<SummaryResult> Summary(string unit, Period p) =>
        unit == "150000000000" || UnitCode.SuggestedLevel(unit) != UnitLevel.Village
            ? fx.Client.GetGrain<IAreaGrain>(unit).GetSummaryAsync(p)
            : fx.Client.GetGrain<IVillageGrain>(unit).GetSummaryAsync(p);

    /// <summary>Waits until every unit's summary for every period equals the figure computed from stored states.</summary>
    private async Task<TimeSpan> ConvergeAsync(IEnumerable<string> units, TimeSpan timeout)
    {
        var registry = new UnitRegistry(fx.Db.DataSource);
        var started = DateTime.UtcNow;
        string mismatch = "";
        while (DateTime.UtcNow - started < timeout)
        {
            var cases = await StoredCases.LoadAsync(fx.Db);
            mismatch = "";
            foreach (var unit in units)
            {
                foreach (var p in Periods)
                {
                    var expected = await StoredCases.ExpectedAsync(registry, cases, unit, p, Today);
                    var actual = (await Summary(unit, p)).Figures;
                    if (!expected.SequenceEqual(actual))
                    {
                        mismatch = $"{unit} {p}: expected {string.Join(",", expected)} got {string.Join(",", actual)}";
                        break;
                    }
                }
                if (mismatch.Length > 0) break;
            }
            if (mismatch.Length == 0) return DateTime.UtcNow - started;
            await Task.Delay(200);
        }
        throw new TimeoutException($"Roll-up did not converge in {timeout}: {mismatch}");
    }

    [Fact]
    public async Task Thousands_of_random_commands_and_a_killed_silo_leave_every_total_exact()
    {
        // Villages of two leagues, several banners and townships in each.
        var villages = Rows.Where(r => r.Level == UnitLevel.Village && (r.Code.StartsWith("1502") || r.Code.StartsWith("1509")))
            .Where((_, i) => i % 7 == 0).Take(320).Select(r => r.Code).ToArray();
        var random = new Random(20261120);
        var plans = villages.ToDictionary(v => v, _ => random.Next(4, 14));
        var commands = 0;
        var failures = 0;
        string? firstError = null;

        async Task Drive(string village, int steps, int seed)
        {
            var rnd = new Random(seed);
            for (var i = 0; i < steps; i++)
            {
                var (command, actor) = RandomCommand(rnd, i);
                try
                {
                    await fx.Client.GetGrain<IVillageGrain>(village).ExecuteAsync(command, actor, new CommandConditions());
                    Interlocked.Increment(ref commands);
                }
                catch (Exception ex)
                {
                    firstError ??= ex.ToString();
                    // A call caught by the silo kill may or may not have been applied; stored state decides.
                    Interlocked.Increment(ref failures);
                }
            }
        }

        fx.Clock.Set(new DateTimeOffset(2026, 10, 12, 3, 0, 0, TimeSpan.Zero));
        await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (v, _) => await Drive(v, plans[v] / 2, v.GetHashCode()));

        // December: quarterly evaluations of Q4 are open (from the quarter's last month on).
        fx.Clock.Set(new DateTimeOffset(2026, 12, 3, 3, 0, 0, TimeSpan.Zero));
        var second = Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (v, _) => await Drive(v, plans[v], v.GetHashCode() + 1));
        await Task.Delay(1500);
        await fx.Cluster.KillSiloAsync(fx.Cluster.Silos[^1]);
        await second;
        output.WriteLine($"{commands} commands answered, {failures} failed around the kill");
        Assert.True(commands > 2000, $"only {commands} commands ran; first error: {firstError}");

        var touched = villages.Take(40)
            .Concat(villages.Select(v => Rows.First(r => r.Code == v).ParentCode!).Distinct())
            .Concat(villages.Select(v => v[..6] + "000000").Distinct())
            .Concat(["150200000000", "150900000000", "150000000000"]).ToList();
        var took = await ConvergeAsync(touched, TimeSpan.FromSeconds(45));
        output.WriteLine($"converged {took.TotalSeconds:F1} s after the last write, over {touched.Count} units × {Periods.Length} periods");
        await fx.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task A_write_whose_snapshot_and_read_model_row_died_with_its_silo_is_still_counted_and_the_row_repaired()
    {
        // A township of a league no other test of this cluster touches.
        var township = Rows.First(r => r.Level == UnitLevel.Township && r.Code.StartsWith("1505")).Code;
        var village = Rows.First(r => r.ParentCode == township).Code;
        var units = new[] { township, township[..6] + "000000", "150500000000" };
        fx.Clock.Set(new DateTimeOffset(2026, 11, 20, 3, 0, 0, TimeSpan.Zero));
        foreach (var (c, a) in ToOpen("C4"))
            Assert.Equal(CaseOutcome.Accepted, (await fx.Client.GetGrain<IVillageGrain>(village).ExecuteAsync(c, a, new CommandConditions())).Outcome);
        await ConvergeAsync(units, TimeSpan.FromSeconds(20));
        await Eventually.Until(() => fx.Db.ScalarAsync<int>("SELECT version FROM cases WHERE code = $1", village), v => v == 4, what: "read model");

        // A silo commits the next write (the four ones assigned) and dies before it publishes the
        // village's snapshot or projects the read model: only the stored state knows.
        var grain = fx.Client.GetGrain<IVillageGrain>(village);
        await fx.Cluster.DeactivateFullyAsync(grain);
        var stored = (await StoredCases.LoadAsync(fx.Db))[village];
        var assign = new SetAssignment(new Assignment("leader", "group", new HelpingDepartment("dept", DepartmentType.PartyMass), new FirstSecretary("fs", new DateOnly(2026, 9, 1))));
        var next = Assert.IsType<Villages.Accepted>(Villages.CaseRules.Decide(stored, assign, TownshipReporter, fx.Clock.GetUtcNow(), new DuePolicy())).State;
        var storedVersion = await fx.Db.ScalarAsync<int>("""
            WITH e AS (INSERT INTO case_parts (code, part, doc) VALUES ($2, 'h:' || lpad($3::text, 9, '0'), $4))
            UPDATE case_states SET state = $1, version = $3 WHERE code = $2 RETURNING version
            """, System.Text.Json.JsonSerializer.Serialize(next with { History = [], Reports = [], Evaluations = [] }, Storage.CaseStateStorage.Json),
            village, next.Version, System.Text.Json.JsonSerializer.Serialize(next.History[^1], Storage.CaseStateStorage.Json));
        Assert.Equal(5, storedVersion);
        Assert.Equal(5, await fx.Db.ScalarAsync<int>("SELECT version FROM case_versions WHERE code = $1", village));

        // The township's periodic reconciliation reads the stored versions, fetches the village's digest
        // (activating it, which also repairs its read-model row), and every level above follows.
        var took = await ConvergeAsync(units, TimeSpan.FromSeconds(20));
        output.WriteLine($"healed {took.TotalSeconds:F1} s after the lost write");
        Assert.Equal(1, (await Summary(township, Period.Parse("2026-11"))).Figures["fourOnes.covered"]);
        await Eventually.Until(() => fx.Db.ScalarAsync<int>("SELECT version FROM cases WHERE code = $1", village), v => v == 5, what: "read model repaired");

        // A projection dropped while the village stays active (say its silo's queue overflowed): once the
        // read model has been behind the stored case for longer than its writer ever takes (10 s), the
        // reconciliation has the village repair it.
        await fx.Db.ScalarAsync<int>("UPDATE cases SET version = 2, four_ones = false WHERE code = $1 RETURNING version", village);
        await Eventually.Until(() => fx.Db.ScalarAsync<bool>("SELECT four_ones FROM cases WHERE code = $1 AND version = 5", village), ok => ok,
            TimeSpan.FromSeconds(30), "read model repaired while the village stayed active");
    }

    private static (CaseCommand, Actor) RandomCommand(Random rnd, int step)
    {
        string[] pool = ["C1", "C2", "C3", "C4", "C5", "C6", "F1", "F2", "F3", "F4"];
        string[] Crit() => pool.OrderBy(_ => rnd.Next()).Take(rnd.Next(1, 3)).ToArray();
        // Mostly the next step of a normal life, sometimes anything (which the rules may refuse).
        var pick = rnd.Next(10) < 8 ? Math.Min(step, 11) : rnd.Next(12);
        return pick switch
        {
            0 => (new RecordFinding(FindingSource.SelfCheck, Crit(), null), VillageReporter),
            1 => (new Propose(Crit(), [$"L{rnd.Next(1, 5)}"], "meets criteria"), TownshipReporter),
            2 => (new Review(rnd.Next(6) > 0, null), BannerReviewer),
            3 => (new Approve(rnd.Next(6) > 0, null), BannerApprover),
            4 => (new SetPlan([Problem with { Deadline = new DateOnly(2026, 10, 20 + rnd.Next(30) % 11) }]), TownshipReporter),
            5 => (new SubmitMonthlyReport(Period.Parse($"2026-{10 + rnd.Next(3)}"),
                new ReportFigures(rnd.Next(3), rnd.Next(5), rnd.Next(100000) / 100m, rnd.Next(3), rnd.Next(3), rnd.Next(2), rnd.Next(4), rnd.Next(5), null)), VillageReporter),
            6 => (new SetAssignment(new Assignment("leader", "group", new HelpingDepartment("dept", DepartmentType.Economic), new FirstSecretary("fs", new DateOnly(2026, 9, 1)))), TownshipReporter),
            7 => (new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter),
            8 => (new ChangeProblem("P1", ProblemAction.Close), TownshipReporter),
            9 => (new ApplyForAcceptance(null), TownshipReporter),
            10 => (new DecideAcceptance(rnd.Next(3) > 0, 80 + rnd.Next(20), null), BannerReviewer),
            _ => rnd.Next(2) == 0
                ? (new Relapse(Crit(), "again"), BannerReviewer)
                : (new SubmitEvaluation(Period.Parse("2026-Q4"), rnd.Next(101), rnd.Next(1, 4), rnd.Next(11), null), BannerReviewer),
        };
    }

    [Fact]
    public async Task Duplicated_and_reordered_snapshots_change_nothing()
    {
        // A township no other test touches; the "villages" here are its real children. The figures are
        // taken back at the end: the region's, which the first test compares with the stored cases,
        // must not keep them (xUnit runs a class's tests in an order of its own).
        var township = Rows.Where(r => r.Level == UnitLevel.Township && r.Code.StartsWith("1529")).Select(r => r.Code).Last();
        var children = Rows.Where(r => r.ParentCode == township).Select(r => r.Code).Take(2).ToArray();
        var stream = fx.Client.GetStreamProvider(Names.RollupStreams)
            .GetStream<DigestMessage>(StreamId.Create(Names.SummaryNamespace, township));
        var day = new DateOnly(2026, 11, 2).DayNumber;
        Digest Active(long version, long n) => new(version, new() { ["cases.active"] = new() { [day] = n }, ["cases.byStatus.open"] = new() { [day] = n } });

        await stream.OnNextAsync(new DigestMessage(children[0], HeldDigest.Of(Active(3, 1))));
        await stream.OnNextAsync(new DigestMessage(children[0], HeldDigest.Of(Active(2, 5))));   // older: ignored
        await stream.OnNextAsync(new DigestMessage(children[0], HeldDigest.Of(Active(3, 1))));   // duplicate: ignored
        await stream.OnNextAsync(new DigestMessage(children[1], HeldDigest.Of(Active(1, 1))));
        await stream.OnNextAsync(new DigestMessage(children[1], HeldDigest.Of(Active(1, 1))));   // duplicate: ignored
        var grain = fx.Client.GetGrain<IAreaGrain>(township);
        var november = Period.Parse("2026-11");
        var summary = await Eventually.Until(() => grain.GetSummaryAsync(november), s => s.Version == 4, what: "both snapshots merged");
        Assert.Equal(2, summary.Figures["cases.active"]);

        await stream.OnNextAsync(new DigestMessage(children[0], HeldDigest.Of(Active(4, 0))));
        summary = await Eventually.Until(() => grain.GetSummaryAsync(november), s => s.Version == 5, what: "newer snapshot merged");
        Assert.Equal(1, summary.Figures["cases.active"]);
        await stream.OnNextAsync(new DigestMessage(children[0], HeldDigest.Of(Active(3, 1))));   // late arrival of an old one
        await Task.Delay(500);
        Assert.Equal(1, (await grain.GetSummaryAsync(november)).Figures["cases.active"]);

        // These figures are made up: take them back, so that the region again equals its stored cases
        // whichever test of this cluster compares them next.
        await stream.OnNextAsync(new DigestMessage(children[1], HeldDigest.Of(Active(2, 0))));
        summary = await Eventually.Until(() => grain.GetSummaryAsync(november), s => s.Version == 6, what: "the made-up figures taken back");
        Assert.Equal(0, summary.Figures.GetValueOrDefault("cases.active"));
    }

    [Fact]
    public async Task A_silos_digests_for_one_township_go_out_together_and_only_the_newest_of_each()
    {
        // Another township no other test touches (the test above takes the league's last).
        var township = Rows.Where(r => r.Level == UnitLevel.Township && r.Code.StartsWith("1529")).Select(r => r.Code).First();
        var children = Rows.Where(r => r.ParentCode == township).Select(r => r.Code).Take(6).ToArray();
        Assert.Equal(6, children.Length);
        var outbox = fx.Cluster.Silos[0].ServiceProvider.GetRequiredService<DigestOutbox>();
        var day = new DateOnly(2026, 11, 2).DayNumber;
        HeldDigest Active(long version, long n) => HeldDigest.Of(new Digest(version, new() { ["cases.active"] = new() { [day] = n } }));
        var (batchesBefore, digestsBefore) = outbox.Sent;

        // Six villages' digests within a moment of each other, as a rush hands them over; the first
        // village's older digest comes after its newer one and must not replace it.
        foreach (var child in children) outbox.Post(township, child, Active(2, 1));
        outbox.Post(township, children[0], Active(1, 5));

        var grain = fx.Client.GetGrain<IAreaGrain>(township);
        var summary = await Eventually.Until(() => grain.GetSummaryAsync(Period.Parse("2026-11")), s => s.Version == 12, what: "six digests merged");
        Assert.Equal(6, summary.Figures["cases.active"]);
        var (batches, digests) = outbox.Sent;
        Assert.True(digests - digestsBefore >= 6, $"{digests - digestsBefore} digests sent");
        // Other activity may send its own messages meanwhile, one digest or more each: these six shared theirs.
        Assert.True(batches - batchesBefore < digests - digestsBefore, $"{batches - batchesBefore} messages for {digests - digestsBefore} digests");

        // The made-up figures taken back, as in the test above.
        foreach (var child in children) outbox.Post(township, child, Active(3, 0));
        summary = await Eventually.Until(() => grain.GetSummaryAsync(Period.Parse("2026-11")), s => s.Version == 18, what: "the made-up figures taken back");
        Assert.Equal(0, summary.Figures.GetValueOrDefault("cases.active"));
    }

    [Fact]
    public async Task A_parent_writes_its_held_digests_soon_after_a_change_even_when_nothing_follows_it()
    {
        // A third township of the league no other test touches (the tests above take its first and last).
        var township = Rows.Where(r => r.Level == UnitLevel.Township && r.Code.StartsWith("1529")).Select(r => r.Code).Skip(1).First();
        var child = Rows.First(r => r.ParentCode == township).Code;
        var stream = fx.Client.GetStreamProvider(Names.RollupStreams)
            .GetStream<DigestMessage>(StreamId.Create(Names.SummaryNamespace, township));
        // No figures, only versions: the region's totals, which other tests compare with the stored cases, stay as they are.
        HeldDigest Empty(long version) => HeldDigest.Of(new Digest(version, []));
        var grain = fx.Client.GetGrain<IAreaGrain>(township);
        var november = Period.Parse("2026-11");

        // Two changes a moment apart, then nothing. The second must reach storage too, within the
        // persistence delay (2 s here) and not only when the grain deactivates: a parent that wrote at
        // its first publish after a quiet spell left the rest of a burst unwritten until the next one.
        await stream.OnNextAsync(new DigestMessage(child, Empty(1)));
        await Eventually.Until(() => grain.GetSummaryAsync(november), s => s.Version == 1, what: "the first digest merged");
        await stream.OnNextAsync(new DigestMessage(child, Empty(2)));
        await Eventually.Until(() => grain.GetSummaryAsync(november), s => s.Version == 2, what: "the second digest merged");

        var written = $"%\"{child}\":{{\"Version\":2,%";
        await Eventually.Until(() => fx.Db.ScalarAsync<long>(
                "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'rollup' AND convert_from(payloadbinary, 'UTF8') LIKE $1", written),
            n => n == 1, TimeSpan.FromSeconds(20), what: "the parent's state written with the second digest");
    }
}
