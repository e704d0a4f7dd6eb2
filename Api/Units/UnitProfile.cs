using System.Globalization;

namespace Rectification.Api.Units;

/// <summary>The re-election record (换届): last and next election, marked difficult (换届选举难点村) with why, and when it was done.</summary>
public sealed record ElectionRecord(DateOnly? LastOn, DateOnly? NextDueOn, bool Difficult, string? DifficultReason, DateOnly? CompletedOn)
{
    public static ElectionRecord None { get; } = new(null, null, false, null, null);
}

/// <summary>
/// A unit's profile as kept in the registry. <see cref="Form"/> is the Party organization's form:
/// committee (党委), generalBranch (党总支) or branch (党支部).
/// </summary>
public sealed record UnitProfile(
    string Code, string Name, string Level, string? ParentCode, string? Category, string? Form, int? Members,
    string? SecretaryName, string? SecretaryContact, ElectionRecord Election)
{
    /// <summary>The secretary post is vacant since this day (C1 书记长期缺职: the screening suggestions read it); only without a secretary.</summary>
    public DateOnly? SecretaryVacantSince { get; init; }

    public static readonly IReadOnlyList<string> Forms = ["committee", "generalBranch", "branch"];

    /// <summary>The Chinese names of the forms, as the official tables print them.</summary>
    public static readonly IReadOnlyDictionary<string, string> FormNamesZh = new Dictionary<string, string>
    {
        ["committee"] = "党委", ["generalBranch"] = "党总支", ["branch"] = "党支部",
    };

    /// <summary>Each field as text, by its API name, for the history's from → to.</summary>
    public IReadOnlyDictionary<string, string?> Fields() => new Dictionary<string, string?>
    {
        ["name"] = Name,
        ["level"] = Level,
        ["parentCode"] = ParentCode,
        ["category"] = Category,
        ["form"] = Form,
        ["members"] = Members?.ToString(CultureInfo.InvariantCulture),
        ["secretaryName"] = SecretaryName,
        ["secretaryContact"] = SecretaryContact,
        ["secretaryVacantSince"] = Day(SecretaryVacantSince),
        ["election.lastOn"] = Day(Election.LastOn),
        ["election.nextDueOn"] = Day(Election.NextDueOn),
        ["election.difficult"] = Election.Difficult ? "true" : "false",
        ["election.difficultReason"] = Election.DifficultReason,
        ["election.completedOn"] = Day(Election.CompletedOn),
    };

    /// <summary>The fields that differ from <paramref name="before"/> (every field, for a new unit).</summary>
    public IReadOnlyList<UnitFieldChange> ChangesFrom(UnitProfile? before)
    {
        var old = before?.Fields();
        return Fields()
            .Where(f => old is null ? f.Value is not null && f.Value != "false" : old[f.Key] != f.Value)
            .Select(f => new UnitFieldChange(f.Key, old?[f.Key], f.Value))
            .ToList();
    }

    private static string? Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed record UnitFieldChange(string Field, string? From, string? To);

/// <summary>One kept change of a profile: who, when, from which file if any, each field from → to.</summary>
public sealed record UnitChange(int Version, DateTimeOffset At, string By, string? Source, IReadOnlyList<UnitFieldChange> Changes);
