using System.Text.Json;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Grains;

/// <summary>
/// deploy/sql/015 moves a case's history entries and monthly reports out of case_parts into the rows of
/// the audit log and the report table. A case stored before it loads exactly as it did, including an
/// entry whose audit row its projection had not written yet (still read from its part), and the parts
/// now held by rows are gone.
/// </summary>
public sealed class HistoryMigrationTests
{
    [Fact]
    public async Task A_case_stored_before_015_loads_the_same_after_it()
    {
        await using var db = await TestDatabase.CreateThroughAsync(14);
        const string code = "150102001001";
        var t0 = new DateTimeOffset(2026, 10, 5, 2, 0, 0, TimeSpan.Zero);
        HistoryEntry Entry(int v, string command) =>
            new(v, t0.AddDays(v), "reporter-1", Role.Reporter, command, CaseStatus.Open, CaseStatus.Open, $"第{v}次", IdempotencyKey: $"k{v}", RequestHash: "h");
        var october = new MonthlyReport(Period.Parse("2026-10"), new ReportFigures(1, 2, 10m, 1, 1, 0, 1, 2, "按计划推进"), t0, new DateOnly(2026, 11, 5), true, "reporter-1");
        var state = new CaseState
        {
            Code = code, Version = 3, Status = CaseStatus.Open, Criteria = ["C1"],
            History = [Entry(1, "import"), Entry(2, "report"), Entry(3, "plan")], Reports = [october],
        };

        // As the storage wrote it before 015: the state row, every entry and report as a part, and the
        // read model's rows as its projection left them (the third entry's not yet written).
        string Doc(object o) => JsonSerializer.Serialize(o, o.GetType(), CaseParts.Json);
        await db.ScalarAsync<int>("""
            INSERT INTO case_states (code, version, state, report_keys, evaluation_keys) VALUES ($1, 3, $2, ARRAY['r:2026-10'], '{}') RETURNING 1
            """, code, JsonSerializer.Serialize(state with { History = [], Reports = [] }, CaseParts.Json));
        foreach (var e in state.History) await db.ScalarAsync<int>("INSERT INTO case_parts VALUES ($1, $2, $3) RETURNING 1", code, CaseParts.HistoryKey(e.Version), Doc(e));
        await db.ScalarAsync<int>("INSERT INTO case_parts VALUES ($1, 'r:2026-10', $2) RETURNING 1", code, Doc(october));
        foreach (var v in new[] { 1, 2 })
        {
            await db.ScalarAsync<int>("""
                INSERT INTO case_history (code, version, at, actor, role, command, from_status, to_status, detail)
                VALUES ($1, $2, now(), 'reporter-1', 'reporter', 'report', 'open', 'open', 'd') RETURNING 1
                """, code, v);
        }
        await db.ScalarAsync<int>("""
            INSERT INTO case_reports (code, month, received_at, on_time, funds_yuan, projects, new_members, activists, reserve_cadres, version)
            VALUES ($1, '2026-10', now(), true, 10, 1, 1, 1, 2, 3) RETURNING 1
            """, code);

        Assert.Equal([15], await Migrator.ApplyAsync(db.DataSource, through: 15));

        var after = await CaseStateStorage.LoadAsync(db.DataSource, code);
        Assert.Equal(JsonSerializer.Serialize(state, CaseParts.Json), JsonSerializer.Serialize(after, CaseParts.Json));
        Assert.Equal(["第1次", "第2次", "第3次"], (await CaseParts.HistoryAsync(db.DataSource, code, after: 0)).Select(e => e.Detail));
        Assert.Equal(2, await db.ScalarAsync<long>("SELECT count(*) FROM case_history WHERE code = $1 AND doc IS NOT NULL", code));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM case_reports WHERE code = $1 AND doc IS NOT NULL", code));
        // Only the entry whose row was missing is still a part.
        Assert.Equal("h:000000003", await db.ScalarAsync<string>("SELECT string_agg(part, ',') FROM case_parts WHERE code = $1", code));
    }
}
