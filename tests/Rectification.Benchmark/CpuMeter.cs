using System.Diagnostics;

namespace Rectification.Benchmark;

/// <summary>
/// CPU time spent by processes, read from /proc (user + system), to say where the CPU of a phase went:
/// the silo, the API, PostgreSQL (every postgres process), and this process (the load generator); one
/// process by its id (the CRUD peer). Also how busy the whole box was (/proc/stat): a phase that leaves
/// cores idle is held back by waiting (for the disk, for another process), not by the CPU its processes spend.
/// And the kernel's memory sampler (DAMON's kdamond threads), which this VM's platform runs: every half
/// second it takes one core for some 15–25 ms, walking page tables, and each time the product's one serial
/// writer may be what waits (docs/benchmarks.md, session 21).
/// </summary>
public sealed class CpuMeter(int siloPid, int apiPid)
{
    private static readonly double TickMs = 1000.0 / 100;   // USER_HZ is 100 on Linux

    /// <param name="Busy">CPU time of the whole box, every core, in any process or the kernel.</param>
    /// <param name="Wall">Wall-clock time.</param>
    /// <param name="Sampler">CPU time of the kernel's memory sampler (kdamond); 0 on a kernel without one running.</param>
    public sealed record Sample(double Silo, double Api, double Postgres, double Self, double Busy, double Wall, double Sampler)
    {
        /// <summary>How many cores were busy on average over the time between two samples.</summary>
        public double CoresBusy => Wall > 0 ? Busy / Wall : 0;

        /// <summary>How many cores the kernel's memory sampler took on average.</summary>
        public double SamplerCores => Wall > 0 ? Sampler / Wall : 0;
    }

    public Sample Take()
    {
        var (postgres, sampler) = PostgresAndSamplerMs();
        return new(ProcessMs(siloPid), ProcessMs(apiPid), postgres, ProcessMs(Environment.ProcessId), BoxBusyMs(),
            Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency, sampler);
    }

    public static Sample Between(Sample a, Sample b) =>
        new(b.Silo - a.Silo, b.Api - a.Api, b.Postgres - a.Postgres, b.Self - a.Self, b.Busy - a.Busy, b.Wall - a.Wall, b.Sampler - a.Sampler);

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

    /// <summary>
    /// The CPU of every postgres process and of the kernel's memory sampler (kdamond), in one walk of
    /// /proc: each walk reads every process's name, and the meter runs during the phases it measures.
    /// Processes that ended during the phase are not counted (/proc has forgotten them); the backends of
    /// a pooled run live on.
    /// </summary>
    private static (double Postgres, double Sampler) PostgresAndSamplerMs()
    {
        double postgres = 0, sampler = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!name.All(char.IsAsciiDigit)) continue;
            string command;
            try { command = File.ReadAllText($"/proc/{name}/comm").Trim(); }
            catch (IOException) { continue; }
            if (command == "postgres") postgres += ProcessMs(int.Parse(name));
            else if (command.StartsWith("kdamond", StringComparison.Ordinal)) sampler += ProcessMs(int.Parse(name));
        }
        return (postgres, sampler);
    }
}
