using System.Diagnostics;

namespace Rectification.Benchmark;

/// <summary>
/// A .NET process's GC heap on 2 MiB huge pages, as run.sh gives the silo's (RECT_SILO_HEAP_HUGE_PAGES_MB):
/// the pages reserved through deploy/hugepages.sh, and the collector's settings that put the heap on them.
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
        var reserved = Run(script, "reserve", $"{(megabytes + 1) / 2}", record) == "on";
        // The collector maps its whole range at start; the range set to the limit needs no more pages than that.
        var limit = $"0x{(long)megabytes << 20:x}";
        return new HugeHeap(script, record, reserved
            ? new Dictionary<string, string> { ["DOTNET_GCLargePages"] = "1", ["DOTNET_GCHeapHardLimit"] = limit, ["DOTNET_GCRegionRange"] = limit }
            : new Dictionary<string, string>());
    }

    public void Dispose() => Run(_script, "release", _record);

    /// <summary>Huge pages a process holds, from /proc (counted apart from its RSS).</summary>
    public static long HeldBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("HugetlbPages:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static string Run(string script, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
