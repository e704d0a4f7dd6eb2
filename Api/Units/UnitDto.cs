using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>A unit as portals see it. The secretary's contact is personal data: only roles that need it get it.</summary>
public sealed record UnitDto(
    string Code,
    string Name,
    string Level,
    string? ParentCode,
    string? Category,
    string? Form,
    int? Members,
    int ChildCount,
    string? SecretaryName,
    string? SecretaryContact,
    ElectionRecord Election,
    int Version,
    DateOnly? SecretaryVacantSince);

public static class UnitDtoExtensions
{
    public static UnitDto ToDto(this Unit u, Role viewer) => new(
        u.Code, u.Name, u.Level.ToWire(), u.ParentCode, u.Category, u.Form, u.Members, u.ChildCount,
        u.SecretaryName, viewer.SeesPersonalData() ? u.SecretaryContact : null,
        new ElectionRecord(u.ElectionLastOn, u.ElectionNextDueOn, u.ElectionDifficult, u.ElectionDifficultReason, u.ElectionCompletedOn),
        u.Version, u.SecretaryVacantSince);
}
