using System.Diagnostics;

namespace Rectification.Benchmark;

/// <summary>
/// CPU time spent by processes, read from /proc (user + system), to say where the CPU of a phase went:
/// the silo, the API, PostgreSQL (every postgres process), and this process (the load generator); one
/// process by its id (the CRUD peer). Also how busy the whole box was (/proc/stat): a phase that leaves
/// cores idle is held back by waiting (for the disk, for another process), not by the CPU its processes spend.
/// </summary>
public sealed class CpuMeter(int siloPid, int apiPid)
{
    private static readonly double TickMs = 1000.0 / 100;   // USER_HZ is 100 on Linux

    /// <param name="Busy">CPU time of the whole box, every core, in any process or the kernel.</param>
    /// <param name="Wall">Wall-clock time.</param>
    public sealed record Sample(double Silo, double Api, double Postgres, double Self, double Busy, double Wall)
    {
        /// <summary>How many cores were busy on average over the time between two samples.</summary>
        public double CoresBusy => Wall > 0 ? Busy / Wall : 0;
    }

    public Sample Take() => new(ProcessMs(siloPid), ProcessMs(apiPid), Postgres(), ProcessMs(Environment.ProcessId), BoxBusyMs(), Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency);

    public static Sample Between(Sample a, Sample b) =>
        new(b.Silo - a.Silo, b.Api - a.Api, b.Postgres - a.Postgres, b.Self - a.Self, b.Busy - a.Busy, b.Wall - a.Wall);

    /// <summary>The box's busy time from the first line of /proc/stat: user, nice, system, irq and softirq (not idle, iowait or steal).</summary>
    private static double BoxBusyMs()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7 }.Sum(i => long.Parse(fields[i])) * TickMs;
    }

    /// <summary>One process's CPU so far (user + system), in ms; 0 once it has gone.</summary>
    public static double ProcessMs(int pid)
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
            .Sum(n => ProcessMs(int.Parse(n)));
}
