using Rectification.Periods;

namespace Rectification.Cases;

/// <summary>
/// An organization's plan of activities for one month (活动计划). Seed 003: "各乡镇、街道于每月25日前将所辖村党组织
/// 下个月的活动计划上报" — the plan for month M is due by the 25th of the month before. On time or late is
/// decided by when it first arrived; a correction keeps that.
/// </summary>
[GenerateSerializer, Immutable, Alias("ActivityPlan")]
public sealed record ActivityPlan(
    [property: Id(0)] Period Month, [property: Id(1)] PlannedActivity[] Activities, [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] DateOnly DueOn, [property: Id(4)] bool OnTime, [property: Id(5)] string By, [property: Id(6)] int Revisions = 0);

/// <summary>One planned activity: its day, what it is, and its kind (党日活动, 三会一课, ...) if given.</summary>
[GenerateSerializer, Immutable, Alias("PlannedActivity")]
public sealed record PlannedActivity([property: Id(0)] DateOnly On, [property: Id(1)] string Title, [property: Id(2)] string? Kind);
