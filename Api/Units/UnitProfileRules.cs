using System.Text.RegularExpressions;
using Rectification.Units;

namespace Rectification.Api.Units;

public sealed record ElectionBody(DateOnly? LastOn, DateOnly? NextDueOn, bool? Difficult, string? DifficultReason, DateOnly? CompletedOn);

/// <summary>A PUT of a profile replaces it: fields left out are cleared (level and parent may be left out to keep them).</summary>
public sealed record ProfileBody(string? Name, string? Level, string? ParentCode, string? Category, string? Form, int? Members,
    string? SecretaryName, string? SecretaryContact, ElectionBody? Election, DateOnly? SecretaryVacantSince = null);

/// <summary>
/// The registry's tree as a check sees it: the loaded tree with the changes a request (or the rows of an
/// import before it) would make, so a file may create a township and then its organizations.
/// </summary>
public sealed class RegistryView(IReadOnlyDictionary<string, UnitRegistry.Node> nodes)
{
    private readonly Dictionary<string, UnitRegistry.Node> _changed = [];

    public UnitRegistry.Node? Find(string code) => _changed.TryGetValue(code, out var n) ? n : nodes.GetValueOrDefault(code);

    public bool IsWithin(string code, string ancestor)
    {
        for (var (current, steps) = ((string?)code, 0); current is not null && steps < 64; current = Find(current)?.ParentCode, steps++)
        {
            if (current == ancestor) return true;
        }
        return false;
    }

    public void Apply(UnitProfile p) =>
        _changed[p.Code] = new UnitRegistry.Node(p.Code, p.Name, UnitLevels.Parse(p.Level), p.ParentCode, p.Category);
}

/// <summary>What a profile must be: each field's rule, and where a unit may sit in the tree.</summary>
public static partial class UnitProfileRules
{
    private static readonly DateOnly Earliest = new(1949, 10, 1), Latest = new(2100, 12, 31);

    [GeneratedRegex(@"^[0-9+\-() #]{3,30}$")]
    private static partial Regex ContactPattern();

    /// <summary>The level a parent must have for each level of child: grassroots organizations also sit directly under a banner.</summary>
    public static bool ParentFits(UnitLevel child, UnitLevel parent) => child switch
    {
        UnitLevel.Village => parent is UnitLevel.Township or UnitLevel.Banner,
        UnitLevel.Township => parent == UnitLevel.Banner,
        UnitLevel.Banner => parent == UnitLevel.League,
        UnitLevel.League => parent == UnitLevel.Region,
        _ => false,
    };

    public static (UnitProfile? Profile, Dictionary<string, string[]> Errors) Check(
        string code, ProfileBody body, UnitRegistry.Node? existing, RegistryView tree, IReadOnlySet<string> categories)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = errors.TryGetValue(field, out var m) ? [.. m, message] : [message];

        if (!UnitCode.IsWellFormed(code)) Add("code", "A unit code is 12 digits, e.g. 150102001002.");

        var levelText = body.Level ?? existing?.Level.ToWire();
        UnitLevel level = 0;
        if (levelText is null) Add("level", "Required for a new unit: village (any grassroots organization), township, banner or league.");
        else if (!UnitLevels.TryParse(levelText, out level) || (level == UnitLevel.Region && existing?.Level != UnitLevel.Region))
        {
            Add("level", "village, township, banner or league.");
        }
        else if (existing is not null && existing.Level != level) Add("level", $"A unit keeps its level; {code} is a {existing.Level.ToWire()}.");

        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !TextRules.IsClean(name) || name.Contains('\n')) Add("name", "Required, 1 to 100 characters, no control characters.");

        var parent = body.ParentCode ?? existing?.ParentCode;
        if (existing is { ParentCode: null })
        {
            if (body.ParentCode is not null) Add("parentCode", "The region's root has no parent.");
        }
        else if (parent is null) Add("parentCode", "Required: the unit this one belongs to.");
        else if (!UnitCode.IsWellFormed(parent) || tree.Find(parent) is not { } p) Add("parentCode", $"No unit has the code {parent}.");
        else if (level != 0 && !ParentFits(level, p.Level)) Add("parentCode", $"A {level.ToWire()} cannot sit under a {p.Level.ToWire()}.");
        else if (existing is not null && tree.IsWithin(parent, code)) Add("parentCode", $"{parent} lies within {code}'s own subtree.");

        var category = body.Category;
        if (level == UnitLevel.Village)
        {
            if (category is null || !categories.Contains(category))
            {
                Add("category", $"Required for a grassroots organization, one of the catalogue's: {string.Join(", ", categories.Order(StringComparer.Ordinal))}.");
            }
        }
        else if (category is not null) Add("category", "Only grassroots organizations have an organization category.");

        var form = body.Form is null ? null : UnitProfile.FormNamesZh.FirstOrDefault(f => f.Value == body.Form).Key ?? body.Form;
        if (form is not null && !UnitProfile.Forms.Contains(form)) Add("form", "committee (党委), generalBranch (党总支) or branch (党支部).");
        if (body.Members is < 0 or > 100_000) Add("members", "Between 0 and 100000.");
        var secretary = body.SecretaryName?.Trim();
        if (secretary is { Length: > 50 } || !TextRules.IsClean(secretary) || secretary?.Contains('\n') == true) Add("secretaryName", "At most 50 characters, no control characters.");
        var contact = body.SecretaryContact?.Trim();
        if (contact is not null && !ContactPattern().IsMatch(contact)) Add("secretaryContact", "A telephone number: 3 to 30 digits, spaces and + - ( ) #.");

        if (body.SecretaryVacantSince is { } vacant)
        {
            if (vacant < Earliest || vacant > Latest) Add("secretaryVacantSince", $"A day from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.");
            if (!string.IsNullOrEmpty(secretary)) Add("secretaryVacantSince", "Only a post without a secretary is vacant: leave secretaryName out.");
        }

        var e = body.Election ?? new ElectionBody(null, null, null, null, null);
        foreach (var (field, day) in new[] { ("election.lastOn", e.LastOn), ("election.nextDueOn", e.NextDueOn), ("election.completedOn", e.CompletedOn) })
        {
            if (day is { } d && (d < Earliest || d > Latest)) Add(field, $"A day from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.");
        }
        if (e is { LastOn: { } last, NextDueOn: { } next } && next < last) Add("election.nextDueOn", "Not before the last election.");
        var reason = e.DifficultReason?.Trim();
        if (e.Difficult == true && string.IsNullOrEmpty(reason)) Add("election.difficultReason", "Required when the election is marked difficult (换届选举难点).");
        if (e.Difficult != true && !string.IsNullOrEmpty(reason)) Add("election.difficultReason", "Only an election marked difficult has a reason.");
        if (reason is { Length: > 500 }) Add("election.difficultReason", "At most 500 characters.");
        else if (!TextRules.IsClean(reason)) Add("election.difficultReason", TextRules.Message);

        if (errors.Count > 0) return (null, errors);
        return (new UnitProfile(code, name!, level.ToWire(), parent, category, form, body.Members, NullIfEmpty(secretary), NullIfEmpty(contact),
            new ElectionRecord(e.LastOn, e.NextDueOn, e.Difficult ?? false, NullIfEmpty(reason), e.CompletedOn))
        { SecretaryVacantSince = body.SecretaryVacantSince }, errors);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
