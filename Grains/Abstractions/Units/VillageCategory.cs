namespace Rectification.Units;

/// <summary>
/// The category of a village-level organization, told apart by its official name. The NBS urban-rural
/// code classifies the area a unit sits in, not the kind of committee it is (see deploy/data/README.md),
/// so the name decides: 嘎查 → gacha, 社区/居委会 → community, 村委会 or a farm's 生产队 → rural,
/// anything else (生活区 of farms and forest bureaus, 管理区, virtual units) → other.
/// Gacha and rural together are the seed's "gacha-village" (嘎查村) organizations.
/// </summary>
public static class VillageCategory
{
    public const string Rural = "rural";
    public const string Gacha = "gacha";
    public const string Community = "community";
    public const string Other = "other";

    /// <summary>The categories the official summary table knows, beyond the four told by name.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Rural, Gacha, Community, Other,
        "stateOwnedEnterprise", "governmentOrgan", "school", "hospital", "publicInstitution",
        "nonPublicEnterprise", "socialOrganization",
    ];

    public static bool IsKnown(string? category) => category is not null && All.Contains(category);

    /// <summary>True for the organizations the seed counts as gacha-village Party organizations.</summary>
    public static bool IsRural(string? category) => category is Rural or Gacha;

    public static string FromName(string name)
    {
        if (name.Contains("嘎查")) return Gacha;
        if (name.Contains("社区") || name.Contains("居委会") || name.Contains("居民委员会")) return Community;
        if (name.Contains("村委") || name.Contains("村民委") || name.Contains("民委会")
            || name.EndsWith('村') || name.EndsWith('队')) return Rural;
        return Other;
    }
}
