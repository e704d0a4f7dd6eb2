using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Rectification.Campaign;

/// <summary>
/// Delivers notices to a configured webhook (<c>Notices:WebhookUrl</c>), if any: the notices table is the
/// outbox. Each silo claims a few due notices at a time (a lease, so two silos never send one at once),
/// posts each as JSON signed with HMAC-SHA256 over "timestamp.body" (<c>Notices:WebhookSecret</c>, from the
/// environment, never the repo), and retries a failed one with doubling delays up to
/// <c>Notices:MaxAttempts</c>. Delivery is at least once: the receiver drops repeats by the delivery id.
/// </summary>
public sealed partial class NoticeDelivery(NpgsqlDataSource db, IConfiguration config, ILogger<NoticeDelivery> log) : BackgroundService
{
    public const string SignatureHeader = "X-Rectification-Signature", TimestampHeader = "X-Rectification-Timestamp",
        DeliveryHeader = "X-Rectification-Delivery";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record Notice(long Id, string Unit, string Level, string Kind, string Subject, string Title, string? Detail,
        DateOnly? DueOn, DateTimeOffset CreatedAt, int Attempt);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (config["Notices:WebhookUrl"] is not { Length: > 0 } url) return;
        var secret = config["Notices:WebhookSecret"] ?? "";
        var maxAttempts = config.GetValue("Notices:MaxAttempts", 8);
        var retryBase = TimeSpan.FromSeconds(config.GetValue("Notices:RetryBaseSeconds", 30.0));
        var poll = TimeSpan.FromSeconds(config.GetValue("Notices:PollSeconds", 5.0));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        while (!stopping.IsCancellationRequested)
        {
            List<Notice> due;
            try
            {
                due = await ClaimAsync(maxAttempts, stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                LogClaimFailed(log, ex);
                due = [];
            }
            foreach (var n in due) await DeliverAsync(http, url, secret, n, maxAttempts, retryBase, stopping);
            if (due.Count == 0) await Task.Delay(poll, stopping).ContinueWith(_ => { });
        }
    }

    private async Task<List<Notice>> ClaimAsync(int maxAttempts, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE notices SET next_attempt_at = now() + interval '60 seconds'
             WHERE id IN (SELECT id FROM notices WHERE delivered_at IS NULL AND attempts < $1 AND next_attempt_at <= now()
                           ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
            RETURNING id, unit, level, kind, subject, title, detail, due_on, created_at, attempts + 1
            """);
        cmd.Parameters.AddWithValue(maxAttempts);
        var list = new List<Notice>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new Notice(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9)));
        }
        return list.OrderBy(n => n.Id).ToList();
    }

    private async Task DeliverAsync(HttpClient http, string url, string secret, Notice n, int maxAttempts, TimeSpan retryBase, CancellationToken ct)
    {
        string? error = null;
        try
        {
            var body = JsonSerializer.Serialize(n, Json);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(DeliveryHeader, n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) error = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        try
        {
            await using var cmd = db.CreateCommand(error is null
                ? "UPDATE notices SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1"
                : "UPDATE notices SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3 WHERE id = $1");
            cmd.Parameters.AddWithValue(n.Id);
            if (error is not null)
            {
                cmd.Parameters.AddWithValue(error.Length <= 500 ? error : error[..500]);
                cmd.Parameters.AddWithValue(TimeSpan.FromSeconds(Math.Min(3600, retryBase.TotalSeconds * Math.Pow(2, n.Attempt - 1))));
                if (n.Attempt >= maxAttempts) LogGaveUp(log, n.Id, n.Attempt, error);
            }
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The lease runs out and the notice is tried again: at least once, never silently dropped.
            LogClaimFailed(log, ex);
        }
    }

    /// <summary>Hex HMAC-SHA256 of "timestamp.body" under the shared secret: what the receiver recomputes to trust a delivery.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming or recording notice deliveries failed; retrying")]
    private static partial void LogClaimFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice {Id} was not delivered after {Attempts} attempts ({Error}); giving up")]
    private static partial void LogGaveUp(ILogger logger, long id, int attempts, string error);
}
