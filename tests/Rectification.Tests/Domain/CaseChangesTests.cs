using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;
using Rectification.Villages;

namespace Rectification.Tests.Domain;

/// <summary>
/// The audit's field changes (CaseChanges) against their definition: both values written as JSON, and
/// every leaf that differs, paired by its path through the objects, with a JSON null counting as absent.
/// </summary>
public sealed class CaseChangesTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public void Changed_parts_give_every_differing_leaf_as_the_definition_does_over_random_pairs()
    {
        var random = new Random(24);
        for (var i = 0; i < 2_000; i++)
        {
            var (problem, assignment, report, acceptance) = (Problem(random), Assign(random), Report(random), Accept(random));
            var before = new CaseState { Code = "150102001001", Problems = [problem], Assignment = assignment, Reports = [report], Acceptance = acceptance };
            var after = before with
            {
                Problems = [Vary(random, problem, Problem)],
                Assignment = Vary(random, assignment, Assign),
                Reports = [Vary(random, report, Report) with { Month = report.Month }],
                Acceptance = Vary(random, acceptance, Accept),
            };

            var expected = new List<(string, string?, string?)>();
            Definition(expected, $"problems.{problem.Id}", before.Problems[0], after.Problems[0]);
            Definition(expected, "assignment", before.Assignment, after.Assignment);
            Definition(expected, $"reports.{report.Month}", before.Reports[0], after.Reports[0]);
            Definition(expected, "acceptance", before.Acceptance, after.Acceptance);
            Assert.Equal(expected, CaseChanges.Between(before, after).Select(c => (c.Field, c.From, c.To)));
        }
    }

    [Fact]
    public void A_corrected_report_names_only_the_figures_that_changed()
    {
        var report = new MonthlyReport(Period.Parse("2026-11"), new ReportFigures(1, 2, 100m, 0, 0, 0, 0, 0, "开会两次"),
            new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero), new DateOnly(2026, 11, 25), true, "r1");
        var before = new CaseState { Reports = [report] };
        var after = before with { Reports = [report with { Figures = report.Figures with { FundsYuan = 250.5m, Narrative = null }, Revisions = 1 }] };

        Assert.Equal(
            [("reports.2026-11.figures.fundsYuan", "100", "250.5"), ("reports.2026-11.figures.narrative", "\"开会两次\"", null), ("reports.2026-11.revisions", "0", "1")],
            CaseChanges.Between(before, after).Select(c => (c.Field, c.From, c.To)));
        Assert.Empty(CaseChanges.Between(before, before with { Reports = [report with { }] }));
    }

    /// <summary>The definition: both as JSON trees, objects compared member by member, anything else by its text.</summary>
    private static void Definition<T>(List<(string, string?, string?)> changes, string path, T? before, T? after)
    {
        if (before is null || after is null)
        {
            if (before is null && after is null) return;
            changes.Add((path, before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json)));
            return;
        }
        Leaves(changes, path, JsonSerializer.SerializeToNode(before, Json), JsonSerializer.SerializeToNode(after, Json));
    }

    private static void Leaves(List<(string, string?, string?)> changes, string path, JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var name in oa.Select(p => p.Key).Union(ob.Select(p => p.Key))) Leaves(changes, $"{path}.{name}", oa[name], ob[name]);
            return;
        }
        var (from, to) = (a?.ToJsonString(Json), b?.ToJsonString(Json));
        if (from != to) changes.Add((path, from, to));
    }

    // Each field picked from a few values, so that a varied copy often keeps some and changes others.
    private static T Vary<T>(Random random, T item, Func<Random, T> make) => random.Next(4) == 0 ? item : make(random);

    private static T? Maybe<T>(Random random, T value) where T : class => random.Next(3) == 0 ? null : value;

    private static T One<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static ProblemItem Problem(Random random) => new(
        "P1", One(random, "无活动阵地", "班子不团结"), "S1", One(random, new[] { "整改" }, ["整改", "培训"], []), "达标", new DateOnly(2026, 12, One(random, 1, 31)),
        One(random, "Li", "王书记"), One(random, ProblemStatus.Open, ProblemStatus.Resolved),
        ResolvedBy: One<string?>(random, null, "r1"), ResolvedAtLevel: One<UnitLevel?>(random, null, UnitLevel.Township),
        EarlierDeadlines: One<DeadlineChange[]?>(random, null, [new DeadlineChange(new DateOnly(2026, 11, 30), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero))]));

    private static Assignment? Assign(Random random) => Maybe(random, new Assignment(
        One(random, "Li", "Wang"), "G1", new HelpingDepartment(One(random, "组织部", "Org dept"), One(random, DepartmentType.PartyMass, DepartmentType.Economic)),
        new FirstSecretary(One(random, "Zhao", "赵"), new DateOnly(2026, One(random, 3, 4), 1))));

    private static MonthlyReport Report(Random random) => new(
        Period.Parse("2026-11"),
        new ReportFigures(One(random, 0, 1), 2, One(random, 100m, 100.5m, 2500m), 0, One(random, 0, 3), 0, 1, 0, One<string?>(random, null, "开会两次", "a \"quoted\" line\nand another")),
        new DateTimeOffset(2026, 11, One(random, 20, 28), 2, 0, 0, TimeSpan.Zero), new DateOnly(2026, 11, 25), One(random, true, false), One(random, "r1", "r2"),
        One(random, 0, 1, 2));

    private static Acceptance? Accept(Random random) => Maybe(random, new Acceptance(
        new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "t1", One<string?>(random, null, "申请验收"),
        One<DateTimeOffset?>(random, null, new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero)), One<string?>(random, null, "passed", "failed"),
        One<decimal?>(random, null, 92.5m), One<string?>(random, null, ""), One<string?>(random, null, "b1")));
}
