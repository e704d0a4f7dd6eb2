using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Rectification.Rollup;

/// <summary>
/// The villages' digests on their way to their townships, per silo. A village hands its new digest
/// over and returns at once; a few milliseconds later every digest handed over for the same township
/// goes out as one batch on that township's stream: one queue message and one delivery for all of
/// them, where each used to be a queue call, a message and a delivery of its own (docs/benchmarks.md,
/// session 10). Only a village's newest digest in a batch is sent: a parent keeps only the newest.
///
/// Best effort, as the stream itself: a batch lost with its silo, or refused, is healed by the
/// townships' reconciliation, which compares each village's stored version with the one it holds.
/// </summary>
public sealed partial class DigestOutbox(IServiceProvider services, IOptions<RollupOptions> options, ILogger<DigestOutbox> log) : BackgroundService
{
    /// <summary>At most this many digests in one stream message: a queue's cache takes messages up to 1 MiB.</summary>
    public const int MaxBatch = 64;

    private readonly Lock _lock = new();
    private Dictionary<string, Dictionary<string, HeldDigest>> _pending = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _batches, _digests;

    /// <summary>Stream messages sent so far, and the digests they carried: how well digests were gathered.</summary>
    public (long Batches, long Digests) Sent => (Interlocked.Read(ref _batches), Interlocked.Read(ref _digests));

    /// <summary>Queues <paramref name="child"/>'s digest for <paramref name="parent"/>'s stream; an older one still queued is replaced.</summary>
    public void Post(string parent, string child, HeldDigest digest)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(parent, out var children)) _pending[parent] = children = [];
            if (!children.TryGetValue(child, out var queued) || queued.Version < digest.Version) children[child] = digest;
        }
        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var streams = services.GetRequiredKeyedService<IStreamProvider>(Names.RollupStreams);
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping))
            {
                // Let the digests of a few milliseconds gather: under load, neighbours report together.
                await Task.Delay(options.Value.OutboxMilliseconds, stopping);
                _wake.Reader.TryRead(out _);
                await SendAsync(streams);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        // Stopping: what is still queued goes out now, or is left to reconciliation.
        await SendAsync(streams);
    }

    private async Task SendAsync(IStreamProvider streams)
    {
        Dictionary<string, Dictionary<string, HeldDigest>> batch;
        lock (_lock)
        {
            if (_pending.Count == 0) return;
            (batch, _pending) = (_pending, []);
        }
        await Task.WhenAll(batch.Select(p => SendAsync(streams, p.Key, p.Value)));
    }

    private async Task SendAsync(IStreamProvider streams, string parent, Dictionary<string, HeldDigest> children)
    {
        var stream = streams.GetStream<DigestMessage>(StreamId.Create(Names.SummaryNamespace, parent));
        foreach (var chunk in children.Select(c => new DigestMessage(c.Key, c.Value)).Chunk(MaxBatch))
        {
            try
            {
                await stream.OnNextBatchAsync(chunk);
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _digests, chunk.Length);
                Hosting.RectificationMetrics.OutboxBatchSize.Record(chunk.Length);
            }
            catch (Exception ex)
            {
                LogSendFailed(log, ex, chunk.Length, parent);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Count} digests to {Parent} failed; its reconciliation will heal it")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, int count, string parent);
}
