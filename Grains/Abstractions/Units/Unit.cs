namespace Rectification.Units;

/// <summary>One unit of the registry as the API shows it.</summary>
public sealed record Unit(
    string Code,
    string Name,
    UnitLevel Level,
    string? ParentCode,
    string? Category,
    string? Form,
    int? Members,
    string? SecretaryName,
    string? SecretaryContact,
    int ChildCount);
