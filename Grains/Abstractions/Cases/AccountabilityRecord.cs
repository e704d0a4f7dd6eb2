namespace Rectification.Cases;

/// <summary>
/// Measures of accountability (问责). Seed 001: "31人由于考核不称职被下调工资，对8人进行了诫勉谈话，4人被免职"
/// — pay deducted after an assessment, admonishment talks, removal from post; seed 003: those who do not
/// hold the planned activities "要追究有关人员责任".
/// </summary>
public enum AccountabilityMeasure { PayDeduction, AdmonishmentTalk, Removal, Other }

/// <summary>
/// One measure taken against one person for this case: who, in which post, what, when, why, and the
/// assessment it follows from (seed 000: tied to the township leadership's assessment,
/// 与乡镇党政领导班子综合考核挂钩), if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("AccountabilityRecord")]
public sealed record AccountabilityRecord(
    [property: Id(0)] string Id, [property: Id(1)] string Person, [property: Id(2)] string Position,
    [property: Id(3)] AccountabilityMeasure Measure, [property: Id(4)] DateOnly On, [property: Id(5)] string Reason,
    [property: Id(6)] string? Assessment, [property: Id(7)] string By);
