namespace Rectification.Units;

/// <summary>
/// The 12-digit statistical division code (统计用区划代码) that names every unit. Kept as a string:
/// leading digits matter and it is never arithmetic.
/// </summary>
public static class UnitCode
{
    public const int Length = 12;

    public static bool IsWellFormed(string? code) =>
        code is { Length: Length } && code.All(char.IsAsciiDigit);

    /// <summary>The level the digits suggest. The registry, not this, is the authority on parents.</summary>
    public static UnitLevel SuggestedLevel(string code)
    {
        if (!IsWellFormed(code)) throw new FormatException($"'{code}' is not a 12-digit division code.");
        if (code[2..] == "0000000000") return UnitLevel.Region;
        if (code[4..] == "00000000") return UnitLevel.League;
        if (code[6..] == "000000") return UnitLevel.Banner;
        if (code[9..] == "000") return UnitLevel.Township;
        return UnitLevel.Village;
    }
}
