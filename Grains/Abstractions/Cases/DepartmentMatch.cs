namespace Rectification.Cases;

/// <summary>
/// The four ones' matching rule (domain page: 党群部门包"软"村、经济部门包"穷"村、政法部门包"乱"村): Party and
/// mass departments take the weak (L1 组织软弱涣散), economic departments the poor (L3 经济社会发展落后),
/// political-legal departments the chaotic (L2 村务财务管理混乱, L4 矛盾问题较为突出). A helping department fits
/// a case when its type serves at least one of the case's lagging categories; a case with none of
/// L1..L4 has nothing to match against, so any department fits.
/// </summary>
public static class DepartmentMatch
{
    public static DepartmentType? Serves(string category) => category switch
    {
        "L1" => DepartmentType.PartyMass,
        "L3" => DepartmentType.Economic,
        "L2" or "L4" => DepartmentType.PoliticalLegal,
        _ => null,
    };

    public static bool Fits(DepartmentType type, IEnumerable<string> categories)
    {
        var served = categories.Select(Serves).OfType<DepartmentType>().ToList();
        return served.Count == 0 || served.Contains(type);
    }

    /// <summary>The department types that would fit, for the message next to a mismatch.</summary>
    public static DepartmentType[] Fitting(IEnumerable<string> categories) =>
        categories.Select(Serves).OfType<DepartmentType>().Distinct().ToArray();
}
