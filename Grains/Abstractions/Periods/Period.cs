using System.Globalization;
using System.Text.RegularExpressions;

namespace Rectification.Periods;

public enum PeriodKind { Month, Quarter, HalfMonth }

/// <summary>
/// A reporting period: a month <c>2026-10</c>, a quarter <c>2026-Q4</c> or a half month
/// <c>2026-10-H1</c>/<c>2026-10-H2</c>. Anything else does not parse.
/// </summary>
[GenerateSerializer, Immutable, Alias("Period")]
[System.Text.Json.Serialization.JsonConverter(typeof(PeriodJsonConverter))]
public readonly partial record struct Period([property: Id(0)] PeriodKind Kind, [property: Id(1)] int Year, [property: Id(2)] int Number)
{
    [GeneratedRegex(@"^(\d{4})-(?:(\d{2})|Q([1-4])|(\d{2})-H([12]))$")]
    private static partial Regex Pattern();

    public static Period Month(int year, int month) => new(PeriodKind.Month, year, month);
    public static Period Quarter(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);
    /// <summary>Half months are numbered 1..24 within the year: month m has halves 2m-1 and 2m.</summary>
    public static Period HalfMonth(int year, int month, int half) => new(PeriodKind.HalfMonth, year, (month - 1) * 2 + half);

    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        if (text is null) return false;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2100) return false;
        if (m.Groups[2].Success)
        {
            var month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (month is < 1 or > 12) return false;
            period = Month(year, month);
        }
        else if (m.Groups[3].Success)
        {
            period = Quarter(year, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        else
        {
            var month = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
            if (month is < 1 or > 12) return false;
            period = HalfMonth(year, month, int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture));
        }
        return true;
    }

    public static Period Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"'{text}' is not a period (2026-10, 2026-Q4, 2026-10-H1).");

    /// <summary>First day of the period.</summary>
    public DateOnly Start => Kind switch
    {
        PeriodKind.Month => new DateOnly(Year, Number, 1),
        PeriodKind.Quarter => new DateOnly(Year, (Number - 1) * 3 + 1, 1),
        _ => new DateOnly(Year, (Number + 1) / 2, Number % 2 == 1 ? 1 : 16),
    };

    /// <summary>Last day of the period, inclusive.</summary>
    public DateOnly End => Kind switch
    {
        PeriodKind.Month => Start.AddMonths(1).AddDays(-1),
        PeriodKind.Quarter => Start.AddMonths(3).AddDays(-1),
        _ => Number % 2 == 1
            ? new DateOnly(Year, (Number + 1) / 2, 15)
            : new DateOnly(Year, (Number + 1) / 2, DateTime.DaysInMonth(Year, (Number + 1) / 2)),
    };

    /// <summary>The months of a quarter, or the month itself.</summary>
    public Period[] Months
    {
        get
        {
            var year = Year;
            return Kind switch
            {
                PeriodKind.Month => [this],
                PeriodKind.Quarter => Enumerable.Range((Number - 1) * 3 + 1, 3).Select(m => Month(year, m)).ToArray(),
                _ => [Month(Year, (Number + 1) / 2)],
            };
        }
    }

    /// <summary>The half months of a month or quarter (or the half month itself): townships report on each.</summary>
    public Period[] HalfMonths => Kind == PeriodKind.HalfMonth
        ? [this]
        : Months.SelectMany(m => new[] { HalfMonth(m.Year, m.Number, 1), HalfMonth(m.Year, m.Number, 2) }).ToArray();

    public Period QuarterOf => Quarter(Year, (Start.Month - 1) / 3 + 1);

    public Period Next => Kind switch
    {
        PeriodKind.Month => Number == 12 ? Month(Year + 1, 1) : Month(Year, Number + 1),
        PeriodKind.Quarter => Number == 4 ? Quarter(Year + 1, 1) : Quarter(Year, Number + 1),
        _ => Number == 24 ? new Period(PeriodKind.HalfMonth, Year + 1, 1) : new Period(PeriodKind.HalfMonth, Year, Number + 1),
    };

    public bool Contains(DateOnly day) => day >= Start && day <= End;

    public static Period MonthOf(DateOnly day) => Month(day.Year, day.Month);

    public override string ToString() => Kind switch
    {
        PeriodKind.Month => $"{Year:D4}-{Number:D2}",
        PeriodKind.Quarter => $"{Year:D4}-Q{Number}",
        _ => $"{Year:D4}-{(Number + 1) / 2:D2}-H{2 - Number % 2}",
    };
}
