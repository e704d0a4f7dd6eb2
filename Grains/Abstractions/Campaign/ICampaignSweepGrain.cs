namespace Rectification.Campaign;

/// <summary>
/// The campaign sweep: one grain for the whole service, woken by an Orleans reminder every
/// <c>Campaign:SweepMinutes</c>, that makes the screening suggestions and the notices the day's facts call for.
/// </summary>
[Alias("ICampaignSweepGrain")]
public interface ICampaignSweepGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder (idempotent: every silo calls it when it starts).</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>Runs one sweep now, and says what it made.</summary>
    [Alias("Sweep")]
    Task<SweepResult> SweepAsync();
}

[GenerateSerializer, Immutable, Alias("SweepResult")]
public sealed record SweepResult([property: Id(0)] DateOnly Today, [property: Id(1)] int Suggestions, [property: Id(2)] int Notices);
