using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Rectification.Benchmark;

/// <summary>
/// The silo's live managed heap. The size the runtime reports is the heap's after its last collection,
/// whenever that was: garbage not yet collected counts, and so does a collection's timing. Here a full
/// blocking collection is induced first, through the runtime's diagnostics port (as dotnet-gcdump does,
/// without walking the heap), and the free space the collection left between objects is taken away.
/// </summary>
public sealed class SiloHeap(int pid, SiloMetrics metrics)
{
    // The runtime provider's GCHeapCollect keyword: enabling it makes the runtime collect, fully and blocking.
    private const long GCHeapCollect = 0x800000;

    public async Task<long> LiveBytesAsync()
    {
        var before = await Gen2CollectionsAsync();
        var session = new DiagnosticsClient(pid).StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GCHeapCollect), requestRundown: false);
        // The session's few events are read and dropped, so its buffer never holds the runtime up.
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        try
        {
            var clock = Stopwatch.StartNew();
            while (await Gen2CollectionsAsync() <= before)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException("The silo did not collect.");
                await Task.Delay(100);
            }
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await drain;
            session.Dispose();
        }
        return (long)(await metrics.SumAsync("dotnet_gc_last_collection_heap_size_bytes")
            - await metrics.SumAsync("dotnet_gc_last_collection_heap_fragmentation_size_bytes"));
    }

    /// <summary>
    /// The live heap once it has come to rest: read every 20 s until it falls by less than 1 % (at most
    /// four minutes). What a burst leaves behind for a while goes first: the roll-up streams' caches keep
    /// each delivered message 10 s to 2 minutes (SiloConfiguration), so a reading right after the areas
    /// woke, or right after thousands of villages published, counted their messages as well.
    /// </summary>
    public async Task<long> RestingLiveBytesAsync()
    {
        var last = await LiveBytesAsync();
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            var now = await LiveBytesAsync();
            if (now > last * 0.99) return Math.Min(now, last);
            last = now;
        }
        return last;
    }

    private Task<double> Gen2CollectionsAsync() => metrics.SumAsync("dotnet_gc_collections", l => l.Contains("gen2", StringComparison.Ordinal));
}
