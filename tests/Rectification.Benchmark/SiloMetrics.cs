namespace Rectification.Benchmark;

/// <summary>The silo's Prometheus endpoint, read by summing a metric's series.</summary>
public sealed class SiloMetrics(string port)
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

    public static SiloMetrics Of(LocalSystem system) => new(File.ReadAllText(Path.Combine(system.DataDir, "silo-metrics.port")).Trim());

    /// <summary>The sum of every series of <paramref name="name"/> whose line <paramref name="where"/> accepts.</summary>
    public async Task<double> SumAsync(string name, Func<string, bool>? where = null) =>
        (await _http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (where is null || where(l)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The managed heap's size after the runtime's last collection, whenever that was.</summary>
    public async Task<long> HeapBytesAsync() => (long)await SumAsync("dotnet_gc_last_collection_heap_size_bytes");

    /// <summary>The runtime's own work so far in the silo: JIT, collector pauses and collections, allocation.</summary>
    public async Task<RuntimeWork> RuntimeAsync()
    {
        var lines = (await _http.GetStringAsync("/metrics")).Split('\n');
        double Sum(string name, string? label = null) => lines
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return new RuntimeWork(Sum("dotnet_jit_compilation_time_seconds_total"), Sum("dotnet_jit_compiled_methods_total"),
            Sum("dotnet_gc_pause_time_seconds_total"), Sum("dotnet_gc_collections_total", "\"gen0\""), Sum("dotnet_gc_collections_total", "\"gen1\""),
            Sum("dotnet_gc_collections_total", "\"gen2\""), Sum("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    /// <summary>Waits until the read-model writer's queue is empty.</summary>
    public async Task ProjectionDrainedAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await SumAsync("rectification_projection_queue") > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The read-model queue never drained.");
            await Task.Delay(500);
        }
    }
}

/// <summary>Cumulative runtime counters of a process; the difference of two tells what happened between them.</summary>
public sealed record RuntimeWork(double JitSeconds, double JitMethods, double GcPauseSeconds, double Gen0, double Gen1, double Gen2, double AllocatedBytes)
{
    public static RuntimeWork operator -(RuntimeWork a, RuntimeWork b) => new(a.JitSeconds - b.JitSeconds, a.JitMethods - b.JitMethods,
        a.GcPauseSeconds - b.GcPauseSeconds, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.AllocatedBytes - b.AllocatedBytes);
}
