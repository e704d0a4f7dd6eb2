namespace Rectification.Units;

/// <summary>The five levels of the hierarchy (自治区, 盟市, 旗县, 苏木乡镇, 嘎查村社区).</summary>
public enum UnitLevel
{
    Region = 1,
    League = 2,
    Banner = 3,
    Township = 4,
    Village = 5,
}

public static class UnitLevels
{
    public static string ToWire(this UnitLevel level) => level switch
    {
        UnitLevel.Region => "region",
        UnitLevel.League => "league",
        UnitLevel.Banner => "banner",
        UnitLevel.Township => "township",
        UnitLevel.Village => "village",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static bool TryParse(string? text, out UnitLevel level)
    {
        level = text switch
        {
            "region" => UnitLevel.Region,
            "league" => UnitLevel.League,
            "banner" => UnitLevel.Banner,
            "township" => UnitLevel.Township,
            "village" => UnitLevel.Village,
            _ => 0,
        };
        return level != 0;
    }

    public static UnitLevel Parse(string text) =>
        TryParse(text, out var level) ? level : throw new FormatException($"Unknown level '{text}'.");
}
