namespace Rectification.Benchmark;

/// <summary>A process's memory figures from /proc/PID/status (given there in kB).</summary>
internal static class ProcStatus
{
    /// <summary>The field's value in bytes: VmRSS, HugetlbPages (which the kernel counts apart from the RSS); 0 when absent.</summary>
    public static long Bytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
