using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rectification.Campaign;

/// <summary>
/// Makes sure the campaign sweep's reminder exists once the silo takes calls. Every silo asks; the
/// reminder is registered once (reminders live in PostgreSQL), so a restart or a new silo changes nothing.
/// </summary>
public sealed partial class SweepStarter(IGrainFactory grains, ILogger<SweepStarter> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<ICampaignSweepGrain>(CampaignSweepGrain.Key).StartAsync();
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // The silo may not take grain calls yet, or the database may be away: try again shortly.
                if (attempt % 10 == 1) LogRetry(log, ex, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stopping).ContinueWith(_ => { });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the campaign sweep's reminder failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, int attempt);
}
