using Npgsql;
using Orleans.Storage;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Units;
using Rectification.Villages;

namespace Rectification.Benchmark;

/// <summary>
/// Cases that have been in the ledger for years (<c>--aged-months</c>): each imported open that many
/// months ago with a plan in Chinese, then one monthly report a month with a Chinese narrative and a
/// quarterly evaluation each quarter, every step decided by the real rules at its own date. Written
/// straight into the village grains' storage before the rush, so the rush measures what a report
/// costs on an old case against the same run on new ones.
/// </summary>
public static class AgedCases
{
    private static readonly Actor Admin = new("bench-admin", Role.Admin, UnitLevel.Region);
    private static readonly Actor Reporter = new("bench-reporter", Role.Reporter, UnitLevel.Village);
    private static readonly Actor Banner = new("bench-banner", Role.Approver, UnitLevel.Banner);

    public static CaseState Build(string code, int months, DateOnly today, DuePolicy policy)
    {
        var current = Period.MonthOf(today);
        var first = Period.MonthOf(current.Start.AddMonths(-months));
        var state = new CaseState { Code = code };
        var import = new ImportCase(CaseStatus.Open, ["C1", "C5"], ["L2"], first.Start,
            [
                new PlannedProblem(null, "党支部书记长期缺职，班子软弱涣散，组织生活不正常", "C1", ["选优配强村党组织书记", "落实三会一课制度"], "配齐配强班子", current.End.AddMonths(6), "苏木党委"),
                new PlannedProblem(null, "集体经济薄弱，带领群众致富能力不强", "C5", ["发展特色种养业", "盘活集体资产"], "集体经济收入达到十万元", current.End.AddMonths(6), "包联部门"),
            ],
            new Assignment("旗委常委 王某", "工作组", new HelpingDepartment("旗委组织部", DepartmentType.PartyMass), new FirstSecretary("李某", first.Start)),
            "bench");
        state = Apply(state, import, Admin, At(first.Start));
        for (var m = first; m.Start < current.Start; m = m.Next)
        {
            var figures = new ReportFigures(1, 2, 1234.56m, 1, 1, m.Start.Month % 12 == 0 ? 1 : 0, 1, 1,
                $"{m}：召开党员大会一次，开展主题党日活动，走访困难党员和群众，推进集体经济项目，整改问题台账逐项销号，群众满意度逐步提高。");
            state = Apply(state, new SubmitMonthlyReport(m, figures), Reporter, At(m.Start.AddDays(4)));
            if (m.Start.Month % 3 == 0)
            {
                state = Apply(state, new SubmitEvaluation(m.QuarterOf, 85, 2, 3, "整顿工作按计划推进，仍需加强"), Banner, At(m.Start.AddDays(20)));
            }
        }
        return state;
    }

    private static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero);

    private static CaseState Apply(CaseState s, CaseCommand command, Actor actor, DateTimeOffset at) =>
        CaseRules.Decide(s, command, actor, at, new DuePolicy()) switch
        {
            Accepted a => a.State,
            Refused r => throw new InvalidOperationException($"{s.Code} {command.Name} at {at:yyyy-MM-dd}: {r.Result.Outcome} {r.Result.Detail}"),
            _ => throw new InvalidOperationException(),
        };

    /// <summary>Writes the cases through the village grains' own storage, as their grains would.</summary>
    public static async Task WriteAsync(string connectionString, IReadOnlyList<CaseState> cases)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var storage = new CaseStateStorage(db, new Rectification.Periods.DuePolicy());
        foreach (var chunk in cases.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(c => storage.WriteStateAsync(Names.CaseState, GrainId.Create("village", c.Code), new Orleans.GrainState<CaseState>(c))));
        }
    }
}
