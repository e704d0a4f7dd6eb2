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
