using System.Net;
using Rectification.Periods;
using Rectification.Tests.Infrastructure;
using Rectification.Units;

namespace Rectification.Tests.Api;

/// <summary>Unit profiles: create, update with If-Match and Idempotency-Key, history, scope, and moves that carry the roll-ups.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ProfilesApiTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private const string Hohhot = "150100000000";
    private const string Xincheng = "150102000000";
    private const string Baotou = "150200000000";
    private const string Donghe = "150202000000";

    private static object Profile(string name, string parent, string category = "nonPublicEnterprise", string? form = "branch", int? members = 12,
        string? contact = "0471-6900000", object? election = null) => new
    {
        name, level = "village", parentCode = parent, category, form, members, secretaryName = "张书记", secretaryContact = contact,
        election = election ?? new { lastOn = "2021-07-01", nextDueOn = "2026-07-01", difficult = false },
    };

    [Fact]
    public async Task An_admin_creates_an_organization_and_every_change_is_kept()
    {
        const string code = "150102001901";
        var admin = fx.Client(Xincheng, Role.Admin, "admin-xc");
        var (status, created, response) = await admin.Put($"/api/v1/units/{code}", Profile("某科技公司党支部", "150102001000"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("nonPublicEnterprise", (string?)created!["category"]);
        Assert.Equal("branch", (string?)created["form"]);
        Assert.Equal("2026-07-01", (string?)created["election"]!["nextDueOn"]);

        // A change needs the version read: none is 428, a stale one 412; nothing changes either way.
        var change = Profile("某科技公司党支部", "150102001000", form: "generalBranch", members: 35,
            election: new { lastOn = "2021-07-01", nextDueOn = "2026-07-01", difficult = true, difficultReason = "候选人不足" });
        Assert.Equal((HttpStatusCode)428, (await admin.Put($"/api/v1/units/{code}", change)).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.Put($"/api/v1/units/{code}", change, r => r.Headers.IfMatch.ParseAdd("\"7\""))).Status);
        var (ok, updated, updatedResponse) = await admin.Put($"/api/v1/units/{code}", change, r => r.Headers.IfMatch.ParseAdd("\"1\""));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("\"2\"", updatedResponse.Headers.ETag!.Tag);
        Assert.Equal(35, (int)updated!["members"]!);
        Assert.True((bool)updated["election"]!["difficult"]!);
        Assert.Equal("\"2\"", (await admin.Get($"/api/v1/units/{code}")).Response.Headers.ETag!.Tag);
        // The same content again is no change.
        var (same, _, sameResponse) = await admin.Put($"/api/v1/units/{code}", change, r => r.Headers.IfMatch.ParseAdd("\"1\""));
        Assert.Equal(HttpStatusCode.OK, same);
        Assert.Equal("\"2\"", sameResponse.Headers.ETag!.Tag);

        var (_, history, _) = await fx.Client(Xincheng, Role.Reviewer).Get($"/api/v1/units/{code}/history");
        var items = history!["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal("admin-xc", (string?)items[1]!["by"]);
        var fields = items[1]!["changes"]!.AsArray().ToDictionary(c => (string)c!["field"]!, c => ((string?)c!["from"], (string?)c["to"]));
        Assert.Equal(("branch", "generalBranch"), fields["form"]);
        Assert.Equal(("12", "35"), fields["members"]);
        Assert.Equal(("false", "true"), fields["election.difficult"]);
        Assert.Equal((null, "候选人不足"), fields["election.difficultReason"]);
        Assert.Equal(4, fields.Count);
        var firstFields = items[0]!["changes"]!.AsArray().Select(c => (string)c!["field"]!).ToList();
        Assert.Contains("secretaryContact", firstFields);

        // The contact is personal data: a reporter sees neither it nor its value in the history.
        var (_, asReporter, _) = await fx.Client(Xincheng, Role.Reporter).Get($"/api/v1/units/{code}");
        Assert.Null(asReporter!["secretaryContact"]);
        var (_, reporterHistory, _) = await fx.Client(Xincheng, Role.Reporter).Get($"/api/v1/units/{code}/history");
        Assert.DoesNotContain("0471-6900000", reporterHistory!.ToJsonString());
        var (_, asReviewer, _) = await fx.Client(Xincheng, Role.Reviewer).Get($"/api/v1/units/{code}");
        Assert.Equal("0471-6900000", (string?)asReviewer!["secretaryContact"]);
    }

    [Fact]
    public async Task Bad_profiles_are_400_naming_the_field_and_change_nothing()
    {
        var admin = fx.Client(Region, Role.Admin);
        async Task<string[]> Fields(object body, string code = "150102001902")
        {
            var (status, problem, _) = await admin.Put($"/api/v1/units/{code}", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            return problem!["errors"]!.AsObject().Select(p => p.Key).ToArray();
        }
        Assert.Contains("form", await Fields(Profile("X", "150102001000", form: "club")));
        Assert.Contains("category", await Fields(Profile("X", "150102001000", category: "spaceStation")));
        Assert.Contains("members", await Fields(Profile("X", "150102001000", members: -3)));
        Assert.Contains("secretaryContact", await Fields(Profile("X", "150102001000", contact: "call me'; DROP TABLE units;--")));
        Assert.Contains("election.difficultReason", await Fields(Profile("X", "150102001000", election: new { difficult = true })));
        Assert.Contains("election.nextDueOn", await Fields(Profile("X", "150102001000", election: new { lastOn = "2024-01-01", nextDueOn = "2020-01-01" })));
        Assert.Contains("parentCode", await Fields(Profile("X", "150102001001")));  // a village is no parent
        Assert.Contains("parentCode", await Fields(Profile("X", "159999999999")));
        Assert.Contains("name", await Fields(Profile("", "150102001000")));
        Assert.Contains("code", await Fields(Profile("X", "150102001000"), "15010200190x"));
        // A township cannot move into its own subtree, nor under a league.
        Assert.Contains("parentCode", await Fields(new { name = "海拉尔东路街道", parentCode = "150102001001" }, "150102001000"));
        Assert.Contains("level", await Fields(new { name = "海拉尔东路街道", level = "banner", parentCode = Xincheng }, "150102001000"));
        var (_, unit, _) = await admin.Get("/api/v1/units/150102001902");
        Assert.Equal(404, (int)unit!["status"]!);
    }

    [Fact]
    public async Task Only_admins_edit_and_only_within_their_subtree()
    {
        var body = Profile("某学校党支部", "150102001000", category: "school");
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(Xincheng, Role.Approver).Put("/api/v1/units/150102001903", body)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(Baotou, Role.Admin).Put("/api/v1/units/150102001903", body)).Status);
        // Moving a unit out of one's own subtree is moving it to a parent outside it.
        var (_, current, _) = await fx.Client(Xincheng, Role.Admin).Get("/api/v1/units/150102002003");
        var outside = new { name = (string)current!["name"]!, level = "village", parentCode = "150202001000", category = (string)current["category"]! };
        var (status, _, _) = await fx.Client(Xincheng, Role.Admin).Put("/api/v1/units/150102002003", outside, r => r.Headers.IfMatch.ParseAdd("\"1\""));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Client(Region, Role.Viewer).Get("/api/v1/units/150102001903")).Status);
    }

    [Fact]
    public async Task A_retried_put_with_its_key_gets_its_first_answer_and_another_body_is_409()
    {
        var admin = fx.Client(Xincheng, Role.Admin);
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "profile-once");
        var body = Profile("某医院党支部", "150102001000", category: "hospital");
        var (first, firstBody, _) = await admin.Put("/api/v1/units/150102001904", body, Key);
        var (again, againBody, _) = await admin.Put("/api/v1/units/150102001904", body, Key);
        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Equal(firstBody!.ToJsonString(), againBody!.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Put("/api/v1/units/150102001904", Profile("另一个", "150102001000"), Key)).Status);
    }

    [Fact]
    public async Task Moves_carry_subtrees_and_every_summary_above_both_parents_stays_exact()
    {
        const string townshipA = "150102003000", townshipB = "150102004000";
        var villagesA = (await Villages(townshipA)).Take(3).ToList();
        var admin = fx.Client(Region, Role.Admin, "admin-region");
        // Cases in the ledger since September, so past months have figures to move.
        var file = ImportFiles.Csv(["代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "完成时限", "整顿措施", "整顿目标", "责任人"],
            villagesA.Select((v, i) => new[] { v, "open", i == 0 ? "C1" : "C3;C5", "L1", "2026-09-0" + (i + 1), "班子不全", "2026-10-15", "补齐班子", "班子健全", "街道党工委" }));
        var import = await admin.Upload("/api/v1/cases/import", file, "moves.csv");
        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        // A village moves to the next township; then its old township moves to another league's banner.
        var (_, village, _) = await admin.Get($"/api/v1/units/{villagesA[0]}");
        var moveVillage = new { name = (string)village!["name"]!, parentCode = townshipB, category = (string)village["category"]! };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"/api/v1/units/{villagesA[0]}", moveVillage, r => r.Headers.IfMatch.ParseAdd("\"1\""))).Status);
        var (_, township, _) = await admin.Get($"/api/v1/units/{townshipA}");
        var moveTownship = new { name = (string)township!["name"]!, parentCode = Donghe };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"/api/v1/units/{townshipA}", moveTownship, r => r.Headers.IfMatch.ParseAdd("\"1\""))).Status);
        Assert.Equal(Donghe, (string?)(await admin.Get($"/api/v1/units/{townshipA}")).Body!["parentCode"]);
        Assert.Contains(villagesA[0], (await Villages(townshipB)));

        var registry = new UnitRegistry(fx.Db.DataSource);
        var cases = await StoredCases.LoadAsync(fx.Db);
        var today = new DuePolicy().LocalDate(DateTimeOffset.UtcNow);
        foreach (var unit in new[] { townshipA, townshipB, Xincheng, Donghe, Hohhot, Baotou, Region })
        {
            foreach (var period in new[] { Period.Month(2026, 9), Period.Month(2026, 10), Period.MonthOf(today), Period.Quarter(2026, 3) })
            {
                var expected = await StoredCases.ExpectedAsync(registry, cases, unit, period, today);
                await Eventually.Until(async () => (await admin.Get($"/api/v1/units/{unit}/summary?period={period}")).Body!,
                    b => StoredCases.Matches(b, expected, out _), what: $"{unit} {period} to equal the census after the moves");
            }
        }
        var donghe = (await admin.Get($"/api/v1/units/{Donghe}/summary?period=2026-10")).Body!;
        Assert.Equal(2, (long)donghe["cases"]!["active"]!);
        Assert.Equal(2, (long)donghe["byCriterion"]!["C3"]!);
    }

    [Fact]
    public async Task An_organization_under_a_banner_counts_in_every_roll_up_by_category()
    {
        const string code = "150102000901";
        var admin = fx.Client(Region, Role.Admin);
        var before = (await admin.Get($"/api/v1/units/{Hohhot}/summary?period=2026-11")).Body!;
        var (status, _, _) = await admin.Put($"/api/v1/units/{code}", new
        {
            name = "区直机关某局党委", level = "village", parentCode = Xincheng, category = "governmentOrgan", form = "committee", members = 80,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var file = ImportFiles.Csv(["代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期"], [[code, "open", "C5", "L1", "2026-11-02"]]);
        var organ = await admin.Upload("/api/v1/cases/import", file, "organ.csv");
        Assert.True(organ.StatusCode == HttpStatusCode.OK, await organ.Content.ReadAsStringAsync());
        long Figure(System.Text.Json.Nodes.JsonNode b, params string[] path) => path.Aggregate<string, System.Text.Json.Nodes.JsonNode?>(b, (n, p) => n?[p]) is { } v ? (long)v : 0;
        foreach (var unit in new[] { Xincheng, Hohhot, Region })
        {
            await Eventually.Until(async () => (await admin.Get($"/api/v1/units/{unit}/summary?period=2026-11")).Body!,
                b => Figure(b, "organizations", "byCategory", "governmentOrgan") >= 1 && Figure(b, "byCriterion", "C5") >= 1, what: $"{unit} to count the organ's branch");
        }
        var after = (await admin.Get($"/api/v1/units/{Hohhot}/summary?period=2026-11")).Body!;
        Assert.Equal(Figure(before, "organizations", "total") + 1, Figure(after, "organizations", "total"));
        Assert.Equal(Figure(before, "organizations", "byCategory", "governmentOrgan") + 1, Figure(after, "organizations", "byCategory", "governmentOrgan"));
    }

    [Fact]
    public async Task The_category_catalogue_is_extended_by_the_root_admin_only()
    {
        var (_, list, _) = await fx.Client(Hohhot, Role.Viewer).Get("/api/v1/organization-categories");
        Assert.Contains(list!.AsArray(), c => (string?)c!["code"] == "school");
        var body = new { nameZh = "农民合作社", nameEn = "Farmers' cooperative", rural = false, sort = 20 };
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(Hohhot, Role.Admin).Put("/api/v1/organization-categories/cooperative", body)).Status);
        var (created, _, _) = await fx.Client(Region, Role.Admin).Put("/api/v1/organization-categories/cooperative", body);
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal((HttpStatusCode)428, (await fx.Client(Region, Role.Admin).Put("/api/v1/organization-categories/cooperative", body with { sort = 21 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await fx.Client(Region, Role.Admin).Put("/api/v1/organization-categories/Bad-Code", body)).Status);
        // The new category is usable at once.
        var (status, _, _) = await fx.Client(Xincheng, Role.Admin).Put("/api/v1/units/150102001905", Profile("某合作社党支部", "150102001000", category: "cooperative"));
        Assert.Equal(HttpStatusCode.Created, status);
    }

    private async Task<List<string>> Villages(string township)
    {
        var (_, page, _) = await fx.Client(Region, Role.Viewer).Get($"/api/v1/units/{township}/children?limit=500");
        return page!["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
    }
}
