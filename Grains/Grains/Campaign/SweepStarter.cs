using Microsoft.Extensions.Logging;
using Rectification.Hosting;

namespace Rectification.Campaign;

/// <summary>
/// Makes sure the campaign sweep's reminder exists once the silo takes calls. Every silo asks; the
/// reminder is registered once (reminders live in PostgreSQL), so a restart or a new silo changes nothing.
/// </summary>
public sealed class SweepStarter(IGrainFactory grains, ILogger<SweepStarter> log) : StartupCall(log)
{
    protected override string What => "Registering the campaign sweep's reminder";

    protected override Task CallAsync() => grains.GetGrain<ICampaignSweepGrain>(CampaignSweepGrain.Key).StartAsync();
}
