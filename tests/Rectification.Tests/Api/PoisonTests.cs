using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rectification.Cases;
using Rectification.ReadModel;
using Rectification.Rollup;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>One bad item never holds up the others: implausible values are refused, and what PostgreSQL refuses is set aside.</summary>
[Collection(ApiCollection.Name)]
public sealed class PoisonTests(ApiFixture fx)
{
    [Fact]
    public async Task Implausible_report_figures_are_400_naming_the_field()
    {
        const string village = "150105002001";
        var township = fx.Client("150105002000", Role.Reporter);
        var reporter = fx.Client(village, Role.Reporter);
        await reporter.Post($"/api/v1/cases/{village}/findings", new { source = "selfCheck", criteria = new[] { "C1" } });
        await township.Post($"/api/v1/cases/{village}/proposal", new { criteria = new[] { "C1" }, categories = new[] { "L1" }, reason = "r" });
        await fx.Client("150105000000", Role.Reviewer).Post($"/api/v1/cases/{village}/review", new { decision = "confirm" });
        Assert.Equal(HttpStatusCode.OK, (await fx.Client("150105000000", Role.Approver).Post($"/api/v1/cases/{village}/approval", new { decision = "approve" })).Status);
        var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM");
        foreach (var (field, value) in new (string, object)[] { ("fundsYuan", 1e15m), ("fundsYuan", 0.001m), ("newMembers", 5000), ("projects", 100_000), ("activists", -1) })
        {
            var body = new Dictionary<string, object> { ["problemsResolved"] = 0, ["measuresDone"] = 0, ["fundsYuan"] = 0, ["projects"] = 0, ["trainings"] = 0,
                ["newMembers"] = 0, ["activists"] = 0, ["reserveCadres"] = 0 };
            body[field] = value;
            var (status, problem, _) = await reporter.Post($"/api/v1/cases/{village}/reports/{month}", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.NotNull(problem!["errors"]![field]);
        }
        // Nothing of them was kept.
        var (_, state, _) = await reporter.Get($"/api/v1/cases/{village}");
        Assert.Empty(state!["reports"]!.AsArray());
    }

    [Fact]
    public async Task An_item_the_database_refuses_is_set_aside_and_the_rest_goes_through()
    {
        var projection = fx.SiloServices.GetRequiredService<CaseProjection>();
        // A case whose code is in no registry breaks the read model's foreign key: refused as data, not as an outage.
        var poison = new CaseState { Code = "159999999999", Version = 3, Status = CaseStatus.Screened };
        var good = new CaseState { Code = "150105003001", Version = 1, Status = CaseStatus.Screened, Criteria = ["C2"],
            History = [new HistoryEntry(1, DateTimeOffset.UtcNow, "t", Role.Reporter, "findings", CaseStatus.Normal, CaseStatus.Screened, "d")] };
        await projection.EnqueueAsync(poison, [], [], HeldDigest.Empty);
        await projection.EnqueueAsync(good, good.History, [], HeldDigest.Empty);

        await Eventually.Until(() => fx.Db.ScalarAsync<int>("SELECT coalesce(max(version), 0) FROM cases WHERE code = '150105003001'"), v => v == 1,
            what: "the good item to reach the read model");
        Assert.Equal(1, await fx.Db.ScalarAsync<long>("SELECT count(*) FROM case_history WHERE code = '150105003001'"));
        var error = await Eventually.Until(() => fx.Db.ScalarAsync<string>("SELECT error FROM projection_dead_letters WHERE code = '159999999999' AND version = 3"),
            e => e is not null, what: "the poison item in the dead letters");
        Assert.Contains("23503", error);
    }

    [Fact]
    public async Task Many_versions_of_one_case_queued_at_once_project_as_the_newest_with_every_history_entry()
    {
        // Queued back to back, most land in one batch: one upsert per table may touch a row only once,
        // so the batch keeps the newest of each case and month, and the audit log gets every entry.
        var projection = fx.SiloServices.GetRequiredService<CaseProjection>();
        const string code = "150105003002";
        var month = Periods.Period.Month(2026, 10);
        var t0 = new DateTimeOffset(2026, 11, 3, 2, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);   // below a microsecond too
        var history = new List<HistoryEntry>();
        for (var v = 1; v <= 40; v++)
        {
            var entry = new HistoryEntry(v, t0.AddSeconds(v), "t", Role.Reporter, v == 1 ? "findings" : "report", CaseStatus.Screened, CaseStatus.Screened,
                $"第{v}次", Note: v % 2 == 0 ? "备注" : null, Changes: [new FieldChange("reports.2026-10.figures.projects", (v - 1).ToString(), v.ToString())]);
            history.Add(entry);
            var report = new MonthlyReport(month, new ReportFigures(0, 0, v + 0.25m, v, 0, 0, 0, 0, null), t0.AddSeconds(v), new DateOnly(2026, 11, 5), true, "t", v - 1);
            var state = new CaseState { Code = code, Version = v, Status = CaseStatus.Screened, Criteria = ["C2"], History = [.. history], Reports = [report] };
            await projection.EnqueueAsync(state, [entry], [report], HeldDigest.Empty);
        }

        await Eventually.Until(() => fx.Db.ScalarAsync<int>($"SELECT coalesce(max(version), 0) FROM cases WHERE code = '{code}'"), v => v == 40,
            what: "the newest version in the read model");
        Assert.Equal(40L, await fx.Db.ScalarAsync<long>($"SELECT count(*) FROM case_history WHERE code = '{code}'"));
        Assert.Equal(40, await fx.Db.ScalarAsync<int>($"SELECT projects FROM case_reports WHERE code = '{code}' AND month = '2026-10'"));
        Assert.Equal(40.25m, await fx.Db.ScalarAsync<decimal>($"SELECT funds_yuan FROM case_reports WHERE code = '{code}' AND month = '2026-10'"));
        // Times keep their microseconds, cut rather than rounded; text and JSON arrive as they were.
        var at = await fx.Db.ScalarAsync<DateTime>($"SELECT at FROM case_history WHERE code = '{code}' AND version = 7");
        Assert.Equal(t0.AddSeconds(7).UtcTicks / 10 * 10, at.Ticks);
        Assert.Equal("第7次", await fx.Db.ScalarAsync<string>($"SELECT detail FROM case_history WHERE code = '{code}' AND version = 7"));
        Assert.Equal("备注", await fx.Db.ScalarAsync<string>($"SELECT note FROM case_history WHERE code = '{code}' AND version = 8"));
        Assert.Null(await fx.Db.ScalarAsync<string>($"SELECT note FROM case_history WHERE code = '{code}' AND version = 7"));
        Assert.Equal("7", await fx.Db.ScalarAsync<string>($"SELECT changes -> 0 ->> 'to' FROM case_history WHERE code = '{code}' AND version = 7"));
        Assert.Equal(["C2"], (await fx.Db.ScalarAsync<string[]>($"SELECT criteria FROM cases WHERE code = '{code}'"))!);
    }
}
