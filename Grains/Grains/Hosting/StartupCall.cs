using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rectification.Hosting;

/// <summary>
/// A grain call a silo makes once after it starts, retried until it goes through: the silo may not
/// take grain calls yet, or the database may be away. Retries back off to one every 10 s, so a call
/// that matters right after a restart (waking the roll-up) is not left waiting long.
/// </summary>
public abstract partial class StartupCall(ILogger log) : BackgroundService
{
    /// <summary>What the call does, for the log.</summary>
    protected abstract string What { get; }

    protected abstract Task CallAsync();

    protected sealed override async Task ExecuteAsync(CancellationToken stopping)
    {
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await CallAsync();
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                if (attempt % 10 == 1) LogRetry(log, ex, What, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stopping).ContinueWith(_ => { });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, string what, int attempt);
}
