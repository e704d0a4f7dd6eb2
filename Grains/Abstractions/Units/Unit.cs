namespace Rectification.Units;

/// <summary>One unit of the registry as the API shows it, with its re-election record and profile version.</summary>
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
    int ChildCount,
    int Version = 1,
    DateOnly? ElectionLastOn = null,
    DateOnly? ElectionNextDueOn = null,
    bool ElectionDifficult = false,
    string? ElectionDifficultReason = null,
    DateOnly? ElectionCompletedOn = null,
    DateOnly? SecretaryVacantSince = null);
