using System.Text.Json.Nodes;
using Rectification.Rollup;

namespace Rectification.Api.Summaries;

/// <summary>
/// Turns flat figures (<c>cases.byStatus.open</c>) into the nested shape portals bind to, with every
/// documented field present (zero when nothing counted) and the derived ones: yuan, average score,
/// report completeness and timeliness, and each criterion's and lagging category's share of all
/// organizations and of rural ones. A share with nothing to divide by is null, not zero.
/// </summary>
public static class SummaryJson
{
    private static readonly string[] Always =
    [
        "organizations.total", "organizations.rural",
        "organizations.byCategory.rural", "organizations.byCategory.gacha", "organizations.byCategory.community", "organizations.byCategory.other",
        "cases.byStatus.proposed", "cases.byStatus.reviewed", "cases.byStatus.open", "cases.byStatus.acceptanceRequested",
        "cases.byStatus.signedOff", "cases.byStatus.rejected", "cases.active", "cases.opened", "cases.signedOff", "cases.relapsed",
        "byCriterion.C1", "byCriterion.C2", "byCriterion.C3", "byCriterion.C4", "byCriterion.C5", "byCriterion.C6",
        "byCriterion.F1", "byCriterion.F2", "byCriterion.F3", "byCriterion.F4",
        "byLaggingCategory.L1", "byLaggingCategory.L2", "byLaggingCategory.L3", "byLaggingCategory.L4",
        "problems.open", "problems.resolved", "problems.closed", "problems.archived", "problems.overdue",
        "fourOnes.covered", "fourOnes.missing",
        "support.projects", "support.newMembers", "support.activists", "support.reserveCadres",
        "reports.due", "reports.onTime", "reports.late", "reports.missing", "reports.pending",
        "evaluations.count",
        "townshipReports.due", "townshipReports.onTime", "townshipReports.late", "townshipReports.missing", "townshipReports.pending",
        // The campaign's work around the plan (docs/campaign.md).
        "fourOnes.mismatched",
        "pairing.pairs", "pairing.villagesPaired", "pairing.unpaired", "pairing.projectsLanded",
        "pairing.byKind.excellentSecretary", "pairing.byKind.organ", "pairing.byKind.enterprise",
        "memberTargets.onTrack", "memberTargets.behind",
        "trainings.records", "trainings.days",
        "secretaries.removed", "secretaries.replaced", "secretaries.trained", "secretaries.dispatched",
        "secretaries.newTrained", "secretaries.newUntrained",
        "accountability.payDeduction", "accountability.admonishmentTalk", "accountability.removal", "accountability.other",
        "accountability.assessmentLinked",
        "activityPlans.due", "activityPlans.onTime", "activityPlans.late", "activityPlans.missing", "activityPlans.pending",
    ];

    public static JsonObject Build(SummaryResult s)
    {
        var f = s.Figures;
        long Get(string name) => f.GetValueOrDefault(name);
        var root = new JsonObject
        {
            ["unit"] = s.Unit,
            ["period"] = s.Period,
            ["asOf"] = s.AsOf,
            ["version"] = s.Version,
            // True while the roll-up is being reconciled (after a restart or a lost silo): the figures may
            // still miss writes acknowledged before. False: exact for every write acknowledged before asOf.
            ["reconciling"] = !s.Settled,
        };
        foreach (var name in Always.Concat(f.Keys).Distinct())
        {
            if (name is "support.fundsFen" or "evaluations.scoreSum" or "pairing.fundsLandedFen") continue;
            Put(root, name, Get(name));
        }
        Put(root, "support.fundsYuan", Get("support.fundsFen") / 100m);
        Put(root, "pairing.fundsLandedYuan", Get("pairing.fundsLandedFen") / 100m);
        var count = Get("evaluations.count");
        Put(root, "evaluations.averageScore", count == 0 ? null : Math.Round((decimal)Get("evaluations.scoreSum") / count, 2));

        // Completeness: the share of the reports owed so far that are in; timeliness: of those in, the share on time.
        var due = Get("reports.due");
        Put(root, "reports.completenessPercent", Percent(due - Get("reports.missing") - Get("reports.pending"), due));
        var submitted = Get("reports.onTime") + Get("reports.late");
        Put(root, "reports.timelinessPercent", Percent(Get("reports.onTime"), submitted));

        var plansDue = Get("activityPlans.due");
        Put(root, "activityPlans.completenessPercent", Percent(plansDue - Get("activityPlans.missing") - Get("activityPlans.pending"), plansDue));

        var townshipDue = Get("townshipReports.due");
        Put(root, "townshipReports.completenessPercent", Percent(townshipDue - Get("townshipReports.missing") - Get("townshipReports.pending"), townshipDue));

        var total = Get("organizations.total");
        var rural = Get("organizations.rural");
        var shares = new JsonObject();
        foreach (var group in new[] { "byCriterion", "byLaggingCategory" })
        {
            var g = new JsonObject();
            foreach (var (key, value) in ((JsonObject)root[group]!).ToList())
            {
                var n = (long)value!;
                g[key] = new JsonObject { ["ofOrganizations"] = Percent(n, total), ["ofRural"] = Percent(n, rural) };
            }
            shares[group] = g;
        }
        root["shares"] = shares;
        return root;
    }

    private static decimal? Percent(long n, long of) => of == 0 ? null : Math.Round(100m * n / of, 2);

    private static void Put(JsonObject root, string dotted, JsonNode? value)
    {
        var parts = dotted.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child) node[part] = child = new JsonObject();
            node = child;
        }
        node[parts[^1]] = value;
    }
}
