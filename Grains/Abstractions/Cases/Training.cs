namespace Rectification.Cases;

/// <summary>Who was trained: the secretary, a member of the team (班子成员), the first secretary, or someone else.</summary>
public enum TraineeRole { Secretary, TeamMember, FirstSecretary, Other }

/// <summary>
/// A training record (教育培训, 轮训): who, on what, from which day for how many days, organized by whom.
/// Seed 004: a newly appointed secretary's training is "原则上不少于3天" (in principle at least three
/// days), organized by the level above; the roll-up counts new secretaries trained that long.
/// </summary>
[GenerateSerializer, Immutable, Alias("Training")]
public sealed record Training(
    [property: Id(0)] string Id, [property: Id(1)] string Person, [property: Id(2)] TraineeRole Role, [property: Id(3)] string Topic,
    [property: Id(4)] DateOnly From, [property: Id(5)] int Days, [property: Id(6)] string? Organizer, [property: Id(7)] string By)
{
    /// <summary>Seed 004's minimum for a new secretary's training.</summary>
    public const int NewSecretaryMinimumDays = 3;
}
