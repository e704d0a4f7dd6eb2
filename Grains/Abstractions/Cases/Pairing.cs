namespace Rectification.Cases;

/// <summary>
/// Who a weak organization is paired with (结对帮扶). Seed 003: an excellent village secretary
/// "承包" 2-3 weak villages (优秀村党组织书记与软弱涣散村班子"结对子"); seeds 000 and 001: organs and
/// enterprises paired with villages (机关包村, 企业结对, 28个机关党支部与7个企业、7个社区结对).
/// </summary>
public enum PairingKind { ExcellentSecretary, Organ, Enterprise }

/// <summary>
/// One pair: the partner (a person for an excellent secretary, an organ or enterprise otherwise), the
/// organization an excellent secretary leads (<see cref="PartnerUnit"/>, a village code), from when, and
/// the support it has landed (funds and projects, seed 000: 协调落实帮扶物资). Ended, not deleted.
/// </summary>
[GenerateSerializer, Immutable, Alias("Pairing")]
public sealed record Pairing(
    [property: Id(0)] string Id, [property: Id(1)] PairingKind Kind, [property: Id(2)] string Partner,
    [property: Id(3)] string? PartnerUnit, [property: Id(4)] DateOnly Since, [property: Id(5)] string? Note,
    [property: Id(6)] SupportLanded[] Landed, [property: Id(7)] DateOnly? EndedOn = null, [property: Id(8)] string? EndReason = null)
{
    public bool ActiveOn(DateOnly day) => Since <= day && (EndedOn is null || day < EndedOn);
}

/// <summary>Support a pair brought, on the day it landed: funds in yuan and projects.</summary>
[GenerateSerializer, Immutable, Alias("SupportLanded")]
public sealed record SupportLanded([property: Id(0)] DateOnly On, [property: Id(1)] decimal FundsYuan, [property: Id(2)] int Projects,
    [property: Id(3)] string? Note, [property: Id(4)] string By);
