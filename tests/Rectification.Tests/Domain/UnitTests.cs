using Rectification.Storage;
using Rectification.Units;

namespace Rectification.Tests.Domain;

public sealed class UnitTests
{
    [Theory]
    [InlineData("150000000000", UnitLevel.Region)]
    [InlineData("150100000000", UnitLevel.League)]
    [InlineData("150102000000", UnitLevel.Banner)]
    [InlineData("150102001000", UnitLevel.Township)]
    [InlineData("150102001001", UnitLevel.Village)]
    public void Codes_suggest_their_level(string code, UnitLevel level) => Assert.Equal(level, UnitCode.SuggestedLevel(code));

    [Theory]
    [InlineData("15000000000")]
    [InlineData("1500000000000")]
    [InlineData("15000000000x")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_codes_are_rejected(string? code) => Assert.False(UnitCode.IsWellFormed(code));

    [Theory]
    [InlineData("查干淖尔嘎查", VillageCategory.Gacha)]
    [InlineData("巴彦嘎查村委会", VillageCategory.Gacha)]
    [InlineData("公主府社区居委会", VillageCategory.Community)]
    [InlineData("团结村委会", VillageCategory.Rural)]
    [InlineData("兴隆村民委员会", VillageCategory.Rural)]
    [InlineData("一分场生活区", VillageCategory.Other)]
    public void Village_category_comes_from_the_name(string name, string category) =>
        Assert.Equal(category, VillageCategory.FromName(name));

    [Fact]
    public void The_dataset_has_the_real_region()
    {
        var rows = RegistryImport.ReadRows();
        var byLevel = rows.GroupBy(r => r.Level).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, byLevel[UnitLevel.Region]);
        Assert.Equal(12, byLevel[UnitLevel.League]);
        Assert.Equal(108, byLevel[UnitLevel.Banner]);
        Assert.Equal(1225, byLevel[UnitLevel.Township]);
        Assert.Equal(14592, byLevel[UnitLevel.Village]);
        var codes = rows.Select(r => r.Code).ToHashSet();
        Assert.All(rows.Where(r => r.Level != UnitLevel.Region), r => Assert.Contains(r.ParentCode!, codes));
        // 嘎查 and 村 together are the seed's gacha-village organizations (11,165 in the seed's year).
        var villages = rows.Where(r => r.Level == UnitLevel.Village).ToList();
        Assert.Equal(11183, villages.Count(r => VillageCategory.IsRural(r.Category)));
        Assert.Equal(2980, villages.Count(r => r.Category == VillageCategory.Community));
    }
}
