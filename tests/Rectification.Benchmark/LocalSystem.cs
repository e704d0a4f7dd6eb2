using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Rectification.Benchmark;

/// <summary>Starts ./run.sh with its own data folder and API port, and stops it again.</summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public string Repo { get; }
    public string DataDir { get; }
    public string BaseUrl { get; }
    public string ConnectionString => File.ReadAllText(Path.Combine(DataDir, "pg", "url")).Trim();
    public int SiloPid => int.Parse(File.ReadAllText(Path.Combine(DataDir, "silo.pid")).Trim());
    /// <summary>The API process, or 0 when the silo co-hosts the API (its CPU is then the silo's).</summary>
    public int ApiPid => File.Exists(Path.Combine(DataDir, "api.pid")) ? int.Parse(File.ReadAllText(Path.Combine(DataDir, "api.pid")).Trim()) : 0;

    private LocalSystem(string repo, string dataDir, int port, IReadOnlyDictionary<string, string>? environment)
    {
        Repo = repo;
        DataDir = dataDir;
        BaseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("bash", [Path.Combine(repo, "run.sh"), "--no-build"])
        {
            WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RECT_DATA_DIR"] = dataDir;
        start.Environment["RECT_API_PORT"] = port.ToString();
        start.Environment["RECT_PG_STATEMENTS"] = "1";
        // The silo as deployed: the dashboard (a local-run convenience) profiles every grain call.
        start.Environment["RECT_DASHBOARD"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <param name="environment">Extra settings for the silo and the API (configuration as environment variables).</param>
    public static async Task<LocalSystem> StartAsync(string repo, IReadOnlyDictionary<string, string>? environment = null)
    {
        var data = Path.Combine(repo, ".data", "bench");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var system = new LocalSystem(repo, data, port, environment);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            string text;
            lock (system._output) text = system._output.ToString();
            if (text.Contains("Ready.")) return system;
            if (system._process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException($"run.sh did not start:\n{text}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Resident memory of the silo process, from /proc: its RSS and, when its heap is on huge pages, those
    /// pages, which the kernel counts apart from the RSS.
    /// </summary>
    public long SiloRssBytes() => ProcStatus.Bytes(SiloPid, "VmRSS") + SiloHugePagesBytes();

    /// <summary>Huge pages the silo holds (its GC heap, when run.sh put it on them).</summary>
    public long SiloHugePagesBytes() => ProcStatus.Bytes(SiloPid, "HugetlbPages");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
            await _process.WaitForExitAsync();
        }
    }
}
