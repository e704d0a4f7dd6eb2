using System.Text.Json;
using Rectification.Api.Ledger;
using Rectification.Api.Units;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

/// <summary>The ledger's pure rules: where a unit may sit, what a profile must be, imports of cases, and figures read case by case.</summary>
public sealed class LedgerRulesTests
{
    private static readonly DuePolicy Policy = new();
    private static readonly HashSet<string> Categories = ["rural", "gacha", "community", "school", "other"];

    private static RegistryView Tree() => new(new Dictionary<string, UnitRegistry.Node>
    {
        ["150000000000"] = new("150000000000", "内蒙古自治区", UnitLevel.Region, null, null),
        ["150100000000"] = new("150100000000", "呼和浩特市", UnitLevel.League, "150000000000", null),
        ["150102000000"] = new("150102000000", "新城区", UnitLevel.Banner, "150100000000", null),
        ["150102001000"] = new("150102001000", "海拉尔东路街道", UnitLevel.Township, "150102000000", null),
        ["150102001001"] = new("150102001001", "公主府社区居委会", UnitLevel.Village, "150102001000", "community"),
    });

    [Theory]
    [InlineData(UnitLevel.Village, UnitLevel.Township, true)]
    [InlineData(UnitLevel.Village, UnitLevel.Banner, true)]
    [InlineData(UnitLevel.Village, UnitLevel.League, false)]
    [InlineData(UnitLevel.Village, UnitLevel.Village, false)]
    [InlineData(UnitLevel.Township, UnitLevel.Banner, true)]
    [InlineData(UnitLevel.Township, UnitLevel.League, false)]
    [InlineData(UnitLevel.Banner, UnitLevel.League, true)]
    [InlineData(UnitLevel.League, UnitLevel.Region, true)]
    [InlineData(UnitLevel.Region, UnitLevel.Region, false)]
    public void Each_level_sits_under_its_own_kind_of_parent(UnitLevel child, UnitLevel parent, bool fits) =>
        Assert.Equal(fits, UnitProfileRules.ParentFits(child, parent));

    [Fact]
    public void A_profile_names_each_wrong_field_and_a_right_one_is_normalized()
    {
        var tree = Tree();
        var (none, errors) = UnitProfileRules.Check("150102001002",
            new ProfileBody(" ", "village", "150102001001", "moon", "club", -1, null, "abc", new ElectionBody(null, null, true, null, null)), null, tree, Categories);
        Assert.Null(none);
        Assert.Equal(["category", "election.difficultReason", "form", "members", "name", "parentCode", "secretaryContact"], errors.Keys.Order());

        var (profile, ok) = UnitProfileRules.Check("150102001002",
            new ProfileBody(" 某学校党支部 ", "village", "150102001000", "school", "党总支", 9, "李", "0471 123456", null), null, tree, Categories);
        Assert.Empty(ok);
        Assert.Equal("某学校党支部", profile!.Name);
        Assert.Equal("generalBranch", profile.Form);
        Assert.False(profile.Election.Difficult);
    }

    [Fact]
    public void A_unit_cannot_move_into_its_own_subtree_nor_change_its_level()
    {
        var tree = Tree();
        var township = tree.Find("150102001000");
        var (_, cycle) = UnitProfileRules.Check("150102000000", new ProfileBody("新城区", null, "150102001000", null, null, null, null, null, null),
            tree.Find("150102000000"), tree, Categories);
        Assert.Contains("parentCode", cycle.Keys);
        var (_, level) = UnitProfileRules.Check("150102001000", new ProfileBody("海拉尔东路街道", "banner", null, null, null, null, null, null, null), township, tree, Categories);
        Assert.Contains("level", level.Keys);
        // The root keeps having no parent, and may be edited.
        var (root, rootErrors) = UnitProfileRules.Check("150000000000", new ProfileBody("内蒙古自治区", null, null, null, null, 100, null, null, null),
            tree.Find("150000000000"), tree, Categories);
        Assert.Empty(rootErrors);
        Assert.Null(root!.ParentCode);
    }

    [Fact]
    public void Changes_list_each_field_from_and_to()
    {
        var before = new UnitProfile("150102001001", "公主府社区居委会", "village", "150102001000", "community", null, 30, null, null, ElectionRecord.None);
        var after = before with { Form = "branch", Members = 31, Election = before.Election with { Difficult = true, DifficultReason = "宗族干扰" } };
        var changes = after.ChangesFrom(before).ToDictionary(c => c.Field, c => (c.From, c.To));
        Assert.Equal(4, changes.Count);
        Assert.Equal(((string?)null, (string?)"branch"), changes["form"]);
        Assert.Equal(("30", "31"), changes["members"]);
        Assert.Equal(("false", "true"), changes["election.difficult"]);
        Assert.Empty(after.ChangesFrom(after));
        Assert.DoesNotContain(after.ChangesFrom(null), c => c.To is null);
    }

    [Fact]
    public void An_import_opens_a_case_from_the_day_it_entered_the_ledger_once()
    {
        var admin = new Actor("admin", Role.Admin, UnitLevel.Banner);
        var import = new ImportCase(CaseStatus.Open, ["C1"], ["L3"], new DateOnly(2026, 9, 1), [Problem with { Deadline = new DateOnly(2026, 10, 31) }], null, "cases.xlsx row 2");
        var now = new DateTimeOffset(2026, 11, 20, 3, 0, 0, TimeSpan.Zero);
        var opened = Step(new CaseState { Code = "150102001001" }, import, admin, now);
        Assert.Equal(CaseStatus.Open, opened.Status);
        Assert.Equal(new DateOnly(2026, 9, 1), Policy.LocalDate(opened.History.Single().At));
        Assert.Equal("P1", opened.Problems.Single().Id);
        Assert.Equal("admin", opened.ProposedBy);

        var september = SummaryEvaluator.Evaluate(DigestBuilder.From(opened, Policy).Counters, Period.Month(2026, 9), new DateOnly(2026, 11, 20), Policy);
        Assert.Equal(1, september["cases.active"]);
        Assert.Equal(1, september["cases.opened"]);
        Assert.Equal(1, september["byLaggingCategory.L3"]);
        var november = SummaryEvaluator.Evaluate(DigestBuilder.From(opened, Policy).Counters, Period.Month(2026, 11), new DateOnly(2026, 11, 20), Policy);
        Assert.Equal(1, november["problems.overdue"]);

        // The same content again is unchanged, from any file; other content for a case under way is a conflict.
        Assert.Equal(CaseOutcome.Unchanged, Refusal(opened, import with { Source = "again.csv row 9" }, admin, now).Outcome);
        Assert.Equal(CaseOutcome.Conflict, Refusal(opened, import with { Criteria = ["C2"] }, admin, now).Outcome);
        // A reporter cannot import, and an open case needs its day in the ledger.
        Assert.Equal(CaseOutcome.Forbidden, Refusal(new CaseState(), import, new Actor("r", Role.Reporter, UnitLevel.Banner), now).Outcome);
        var invalid = Refusal(new CaseState(), import with { OpenedOn = null }, admin, now);
        Assert.Contains("openedOn", invalid.Errors!.Keys);
        // Its history goes after what the case recorded already.
        var screened = Step(new CaseState(), new RecordFinding(FindingSource.SelfCheck, ["C1"], null), VillageReporter, now);
        Assert.Equal(CaseRuleNames.ImportOrder, Refusal(screened, import, admin, now).Rule);
    }

    [Fact]
    public void A_case_s_figure_values_add_up_to_the_summed_digest_s_figure()
    {
        var now = new DateTimeOffset(2026, 11, 20, 3, 0, 0, TimeSpan.Zero);
        var admin = new Actor("admin", Role.Admin, UnitLevel.Banner);
        var cases = Enumerable.Range(0, 6).Select(i => Step(new CaseState { Code = $"15010200100{i}" },
            new ImportCase(CaseStatus.Open, [$"C{1 + i % 3}"], [$"L{1 + i % 4}"], new DateOnly(2026, 6 + i, 2),
                [Problem with { Deadline = new DateOnly(2026, 8 + i % 3, 1) }], null, "x"), admin, now)).ToList();
        var sum = new Counters();
        foreach (var c in cases) sum.Add(DigestBuilder.From(c, Policy));
        var today = new DateOnly(2026, 11, 20);
        foreach (var period in new[] { "2026-07", "2026-09", "2026-Q3", "2026-11", "2026-Q4" })
        {
            var p = Period.Parse(period);
            foreach (var (figure, value) in SummaryEvaluator.Evaluate(sum.Values, p, today, Policy).Where(f => CaseFigures.IsKnown(f.Key)))
            {
                var each = cases.Sum(c => CaseFigures.ValueOf(JsonSerializer.Serialize(DigestBuilder.From(c, Policy).Counters), figure, p, today, Policy));
                Assert.True(value == each, $"{period} {figure}: {value} summed, {each} case by case");
            }
        }
    }

    [Fact]
    public void The_cursor_continues_after_the_last_row_in_either_direction()
    {
        LedgerEntry Row(string code, string name) => new(code, name, null, "open", [], [], null, null, 0, 0, null, null, false, false, 1,
            DateTimeOffset.UnixEpoch, null, null, null, null, null, null, null, null);
        var rows = new List<LedgerEntry> { Row("3", "乙"), Row("1", "甲"), Row("2", "乙"), Row("4", "丙") };
        foreach (var descending in new[] { false, true })
        {
            var sorted = LedgerOrder.Sort([.. rows], "name", descending);
            var pages = new List<string>();
            string? cursor = null;
            do
            {
                var page = LedgerOrder.After(sorted, cursor, "name", descending).Take(2).ToList();
                pages.AddRange(page.Select(r => r.Code));
                cursor = page.Count == 2 ? LedgerOrder.CursorOf(page[^1], "name") : null;
            } while (cursor is not null);
            Assert.Equal(sorted.Select(r => r.Code), pages);
        }
        Assert.Equal(["1", "2", "3", "4"], LedgerOrder.Sort([.. rows], "code", false).Select(r => r.Code));
    }
}
