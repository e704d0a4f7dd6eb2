using System.Diagnostics;
using System.Text;

namespace Rectification.Tests.EndToEnd;

/// <summary>
/// Drives ./run.sh as a user would: start it, wait for "Ready.", stop it with a signal. Each instance
/// has its own data folder inside the repo's ignored .data and its own free API port.
/// </summary>
public sealed class RunScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public string DataDir { get; }
    public int ApiPort { get; }
    public string BaseUrl => $"http://127.0.0.1:{ApiPort}";
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string RepoRoot { get; } = FindRepo();

    private RunScript(string dataDir, int apiPort, string[] args, IReadOnlyDictionary<string, string>? env)
    {
        DataDir = dataDir;
        ApiPort = apiPort;
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "run.sh"), "--no-build", .. args])
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RECT_DATA_DIR"] = dataDir;
        start.Environment["RECT_API_PORT"] = apiPort.ToString();
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static async Task<RunScript> StartAsync(string dataDir, int apiPort, string[]? args = null,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var run = new RunScript(dataDir, apiPort, args ?? [], env);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (!run.Output.Contains("Ready."))
        {
            if (run._process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"run.sh did not become ready:\n{run.Output}\n{Logs(dataDir)}");
            }
            await Task.Delay(200);
        }
        return run;
    }

    public static string NewDataDir() => Path.Combine(RepoRoot, ".data", $"e2e-{Guid.NewGuid():N}"[..16]);

    public int SiloPid => Pid("silo");

    /// <summary>The process id run.sh recorded for a silo ("silo", "silo-2", ...) or "api"; 0 while it is being rewritten.</summary>
    public int Pid(string name) => int.TryParse(File.ReadAllText(Path.Combine(DataDir, $"{name}.pid")).Trim(), out var pid) ? pid : 0;

    /// <summary>What Ctrl-C does: ask run.sh to stop, and wait until it has.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited) Signal(_process.Id, "TERM");
        await WaitForExitAsync();
    }

    public async Task WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
    }

    public static void Signal(int pid, string signal) => Process.Start("kill", [$"-{signal}", pid.ToString()])!.WaitForExit();

    /// <summary>True while the PostgreSQL cluster of this data folder is running.</summary>
    public bool DatabaseRunning()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "deploy", "pg.sh"), "status"]) { RedirectStandardError = true };
        start.Environment["RECT_PG_DIR"] = Path.Combine(DataDir, "pg");
        using var p = Process.Start(start)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    public string ConnectionString => File.ReadAllText(Path.Combine(DataDir, "pg", "url")).Trim();

    /// <summary>deploy/pg.sh on this run's cluster: "kill" stops it hard, "start" brings it back on its port.</summary>
    public async Task DatabaseAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "deploy", "pg.sh"), command]) { RedirectStandardError = true };
        start.Environment["RECT_PG_DIR"] = Path.Combine(DataDir, "pg");
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg.sh {command}: {await err}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }

    private static string Logs(string dataDir)
    {
        var logs = Path.Combine(dataDir, "logs");
        return Directory.Exists(logs)
            ? string.Join("\n", Directory.GetFiles(logs).Select(f => $"--- {f}\n{string.Join("\n", File.ReadLines(f).TakeLast(30))}"))
            : "";
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grains.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Grains.sln not found above the test binaries.");
    }
}
