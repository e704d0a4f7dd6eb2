using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Rectification.Periods;

namespace Rectification.Campaign;

/// <summary>
/// A thin shell over <see cref="ScreeningSuggestions"/> and <see cref="NoticeProducer"/>: the reminder
/// wakes it, it reads the business day, and the SQL makes each fact's suggestion and notices once.
/// A sweep that fails is simply done again at the next tick: it only adds what is missing.
/// </summary>
public sealed partial class CampaignSweepGrain(NpgsqlDataSource db, ReportingClock clock, IOptions<DuePolicy> policy, IConfiguration config,
    ILogger<CampaignSweepGrain> log) : Grain, ICampaignSweepGrain, IRemindable
{
    public const string Key = "region";

    public async Task StartAsync()
    {
        var minutes = Math.Max(1, config.GetValue("Campaign:SweepMinutes", 10));
        await this.RegisterOrUpdateReminder("sweep", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(minutes));
    }

    public async Task<SweepResult> SweepAsync()
    {
        var today = policy.Value.LocalDate(clock.GetUtcNow());
        // Counted whichever way it ends, so that sweeps that keep failing show beside the ones that run.
        var outcome = "failed";
        try
        {
            var suggestions = await ScreeningSuggestions.SuggestAsync(db, today, config.GetValue("Screening:VacantMonths", ScreeningSuggestions.DefaultVacantMonths));
            // After the suggestions, so a new one is noticed in the same sweep.
            var notices = await NoticeProducer.ProduceAsync(db, today, policy.Value);
            if (suggestions + notices > 0) LogSwept(log, today, suggestions, notices);
            outcome = "ok";
            return new SweepResult(today, suggestions, notices);
        }
        finally
        {
            Hosting.RectificationMetrics.Sweeps.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign sweep of {Today}: {Suggestions} new suggestion(s), {Notices} new notice(s)")]
    private static partial void LogSwept(ILogger logger, DateOnly today, int suggestions, int notices);
}
