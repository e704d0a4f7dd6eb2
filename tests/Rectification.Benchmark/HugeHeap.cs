using System.Diagnostics;

namespace Rectification.Benchmark;

/// <summary>
/// A .NET process's GC heap on 2 MiB huge pages, as run.sh gives the silo's (RECT_SILO_HEAP_HUGE_PAGES_MB):
/// deploy/hugepages.sh reserves the pages and names the collector's settings that put the heap on them.
/// The CRUD peer gets the same, so that the two services meet the kernel's memory sampler alike.
/// </summary>
internal sealed class HugeHeap : IDisposable
{
    private readonly string _script, _record;

    /// <summary>The environment that puts a process's heap on the reserved pages (empty when none were).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    private HugeHeap(string script, string record, IReadOnlyDictionary<string, string> environment) =>
        (_script, _record, Environment) = (script, record, environment);

    /// <summary>Reserves pages for a heap of at most <paramref name="megabytes"/> MiB; none (and no settings) when they cannot be had.</summary>
    public static HugeHeap Reserve(string repo, int megabytes, string record)
    {
        var script = Path.Combine(repo, "deploy", "hugepages.sh");
        var settings = Run(script, "heap", $"{megabytes}", "1", record)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1]);
        return new HugeHeap(script, record, settings);
    }

    public void Dispose() => Run(_script, "release", _record);

    private static string Run(string script, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
