using System.Diagnostics;

namespace Rectification.Benchmark;

/// <summary>
/// CPU time spent by processes, read from /proc (user + system), to say where the CPU of a phase went:
/// the silo, the API, PostgreSQL (every postgres process), and this process (the load generator, and
/// the CRUD peer when it runs here).
/// </summary>
public sealed class CpuMeter(int siloPid, int apiPid)
{
    private static readonly double TickMs = 1000.0 / 100;   // USER_HZ is 100 on Linux

    public sealed record Sample(double Silo, double Api, double Postgres, double Self);

    public Sample Take() => new(Ms(siloPid), Ms(apiPid), Postgres(), Ms(Environment.ProcessId));

    public static Sample Between(Sample a, Sample b) => new(b.Silo - a.Silo, b.Api - a.Api, b.Postgres - a.Postgres, b.Self - a.Self);

    private static double Ms(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * TickMs;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>Every postgres process's CPU, including those that ended during the phase is not possible from /proc; the backends of a pooled run live on.</summary>
    private static double Postgres() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => Path.GetFileName(d))
            .Where(n => n.All(char.IsAsciiDigit))
            .Where(n => { try { return File.ReadAllText($"/proc/{n}/comm").Trim() == "postgres"; } catch (IOException) { return false; } })
            .Sum(n => Ms(int.Parse(n)));
}
