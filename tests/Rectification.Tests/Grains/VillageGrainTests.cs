using Rectification.Cases;
using Rectification.Tests.Infrastructure;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class VillageGrainTests(ClusterFixture fx)
{
    // Village-level codes of the real region, picked per test so tests never share a case.
    private static string Pick(int i) => Villages[i];
    private static readonly string[] Villages = Storage.RegistryImport.ReadRows()
        .Where(r => r.Level == Units.UnitLevel.Village).Select(r => r.Code).ToArray();

    private async Task<CaseResult> Run(string code, CaseCommand c, Actor a, CommandConditions? cond = null) =>
        await fx.Client.GetGrain<IVillageGrain>(code).ExecuteAsync(c, a, cond ?? new CommandConditions());

    [Fact]
    public async Task Accepted_command_is_in_postgres_and_survives_deactivation()
    {
        var code = Pick(100);
        foreach (var (c, a) in ToOpen("C1", "C5")) Assert.Equal(CaseOutcome.Accepted, (await Run(code, c, a)).Outcome);

        var stored = await fx.Db.ScalarAsync<int>("SELECT version FROM case_states WHERE code = $1", code);
        Assert.Equal(4, stored);

        var grain = fx.Client.GetGrain<IVillageGrain>(code);
        await fx.Cluster.DeactivateFullyAsync(grain);
        var state = await grain.GetAsync();
        Assert.Equal(CaseStatus.Open, state.Status);
        Assert.Equal(["C1", "C5"], state.Criteria);
        Assert.Equal(4, state.History.Length);
        // The ledger row and the audit log are written with each command: there when it is acknowledged.
        Assert.Equal(4, await fx.Db.ScalarAsync<int>("SELECT version FROM cases WHERE code = $1", code));
        Assert.Equal(4, await fx.Db.ScalarAsync<long>("SELECT count(*) FROM case_history WHERE code = $1 AND doc IS NOT NULL", code));
    }

    [Fact]
    public async Task Chinese_text_is_stored_as_itself_not_as_escapes()
    {
        var code = Pick(101);
        foreach (var (c, a) in ToOpen("C1")) Assert.Equal(CaseOutcome.Accepted, (await Run(code, c, a)).Outcome);
        var plan = new SetPlan([new PlannedProblem(null, "党支部书记长期缺职，班子不团结", "C1", ["选优配强书记", "加强班子建设"], "配齐班子", new DateOnly(2026, 12, 31), "苏木党委")]);
        Assert.Equal(CaseOutcome.Accepted, (await Run(code, plan, TownshipReporter)).Outcome);
        var text = await fx.Db.ScalarAsync<string>(
            """
            SELECT s.state || (SELECT string_agg(doc, '' ORDER BY version) FROM case_history WHERE code = s.code)
              FROM case_states s WHERE code = $1
            """, code);
        Assert.Contains("党支部书记长期缺职", text);
        Assert.DoesNotContain("\\u", text);   // neither in the state nor in the history's before/after values
        var state = await fx.Client.GetGrain<IVillageGrain>(code).GetAsync();
        Assert.Equal("党支部书记长期缺职，班子不团结", state.Problems.Single().Description);
    }

    [Fact]
    public async Task Cases_survive_a_silo_kill_midway_and_carry_on()
    {
        var codes = Enumerable.Range(200, 24).Select(Pick).ToArray();
        await Task.WhenAll(codes.Select(async code =>
        {
            foreach (var (c, a) in ToOpen("C2").Take(2)) Assert.Equal(CaseOutcome.Accepted, (await Run(code, c, a)).Outcome);
        }));

        // Kill a silo that is not the client's first gateway; some of the 24 cases lived there.
        var victim = fx.Cluster.Silos[^1];
        await fx.Cluster.KillSiloAsync(victim);
        await fx.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        await Task.WhenAll(codes.Select(async code =>
        {
            foreach (var (c, a) in ToOpen("C2").Skip(2)) Assert.Equal(CaseOutcome.Accepted, (await Run(code, c, a)).Outcome);
            var state = await fx.Client.GetGrain<IVillageGrain>(code).GetAsync();
            Assert.Equal(CaseStatus.Open, state.Status);
            Assert.Equal(4, state.Version);
        }));
        await fx.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task Idempotency_key_repeats_the_first_answer_and_rejects_another_body()
    {
        var code = Pick(300);
        var finding = new RecordFinding(FindingSource.Inspection, ["C6"], "unannounced visit");
        var first = await Run(code, finding, VillageReporter, new CommandConditions(IdempotencyKey: "k1", RequestHash: "h1"));
        var again = await Run(code, finding, VillageReporter, new CommandConditions(IdempotencyKey: "k1", RequestHash: "h1"));
        Assert.Equal(first.Ack, again.Ack);
        Assert.Single((await fx.Client.GetGrain<IVillageGrain>(code).GetAsync()).Findings);

        var reused = await Run(code, finding with { Note = "other" }, VillageReporter, new CommandConditions(IdempotencyKey: "k1", RequestHash: "h2"));
        Assert.Equal(CaseOutcome.Conflict, reused.Outcome);
    }

    [Fact]
    public async Task An_idempotency_key_is_remembered_for_the_life_of_the_case()
    {
        // Keys live on the history entry they produced, so a retry after many later commands, and after
        // the grain left memory, still gets the first answer and has no second effect.
        var code = Pick(301);
        var finding = new RecordFinding(FindingSource.Inspection, ["C6"], "first visit");
        var first = await Run(code, finding, VillageReporter, new CommandConditions(IdempotencyKey: "life-1", RequestHash: "h1"));
        for (var i = 0; i < 120; i++)
        {
            var other = new RecordFinding(FindingSource.SelfCheck, ["C4"], $"visit {i}");
            Assert.Equal(CaseOutcome.Accepted, (await Run(code, other, VillageReporter, new CommandConditions(IdempotencyKey: $"later-{i}", RequestHash: $"x{i}"))).Outcome);
        }
        var grain = fx.Client.GetGrain<IVillageGrain>(code);
        await fx.Cluster.DeactivateFullyAsync(grain);

        var again = await Run(code, finding, VillageReporter, new CommandConditions(IdempotencyKey: "life-1", RequestHash: "h1"));
        Assert.Equal(first.Ack, again.Ack);
        var state = await grain.GetAsync();
        Assert.Equal(121, state.Version);
        Assert.Equal(121, state.Findings.Length);
        Assert.Empty(state.Idempotency);
        Assert.Equal(CaseOutcome.Conflict, (await Run(code, finding, VillageReporter, new CommandConditions(IdempotencyKey: "life-1", RequestHash: "h2"))).Outcome);
    }

    [Fact]
    public async Task Stale_version_is_refused_and_changes_nothing()
    {
        var code = Pick(400);
        await Run(code, new RecordFinding(FindingSource.SelfCheck, ["C4"], null), VillageReporter);
        var stale = await Run(code, new RecordFinding(FindingSource.SelfCheck, ["C3"], null), VillageReporter, new CommandConditions(IfMatch: 0));
        Assert.Equal(CaseOutcome.PreconditionFailed, stale.Outcome);
        Assert.Equal(1, (await fx.Client.GetGrain<IVillageGrain>(code).GetAsync()).Version);
    }

    [Fact]
    public async Task A_unit_that_is_not_a_village_has_no_case()
    {
        var result = await Run("150102001000", new RecordFinding(FindingSource.SelfCheck, ["C1"], null), VillageReporter);
        Assert.Equal(CaseOutcome.NotFound, result.Outcome);
    }
}
