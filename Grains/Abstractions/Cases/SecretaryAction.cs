namespace Rectification.Cases;

/// <summary>
/// The secretary actions 撤、换、育、派 (seed 000: 严格采取"撤、换、育、派"等方式配强配齐软弱涣散党组织班子):
/// remove (撤) an unfit secretary, replace (换) one with a new secretary, train (育) one to grow into
/// the post, dispatch (派) a cadre from an organ to serve as secretary (seed 003: 下派…担任村党组织书记).
/// </summary>
public enum SecretaryActionKind { Remove, Replace, Train, Dispatch }

/// <summary>
/// One secretary action on its day. Replace and dispatch name the new secretary (and where a dispatched
/// cadre comes from); the organization's profile follows: its secretary becomes the new one, and after a
/// removal with nobody named the post is vacant from that day.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretaryAction")]
public sealed record SecretaryAction(
    [property: Id(0)] string Id, [property: Id(1)] SecretaryActionKind Kind, [property: Id(2)] DateOnly On,
    [property: Id(3)] string? Person, [property: Id(4)] string? NewSecretary, [property: Id(5)] string? NewSecretaryContact,
    [property: Id(6)] string? FromUnit, [property: Id(7)] string? Note, [property: Id(8)] string By)
{
    /// <summary>The action brings in a new secretary, whose training the roll-up then follows.</summary>
    public bool Appoints => Kind is SecretaryActionKind.Replace or SecretaryActionKind.Dispatch;
}
