namespace Rectification.Cases;

/// <summary>
/// A case's member-development targets for one calendar year (发展党员). Seed 002: "明确软弱涣散村年内至少新发展
/// 1名党员、新确定3名入党积极分子和3-5名村干部后备人选" — at least one new member, three activists and three to
/// five reserve cadres a year. Those are the defaults and the floors; a township may set a case's
/// targets higher (reserve cadres up to five).
/// </summary>
[GenerateSerializer, Immutable, Alias("MemberTargets")]
public sealed record MemberTargets([property: Id(0)] int Year, [property: Id(1)] int NewMembers, [property: Id(2)] int Activists,
    [property: Id(3)] int ReserveCadres)
{
    public const int MinNewMembers = 1, MinActivists = 3, MinReserveCadres = 3, MaxReserveCadres = 5;

    public static MemberTargets Default(int year) => new(year, MinNewMembers, MinActivists, MinReserveCadres);
}
