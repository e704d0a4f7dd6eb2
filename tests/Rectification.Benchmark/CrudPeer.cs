using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// The plain CRUD peer the product is measured against: the same route and the same JWT validation
/// (the same key, issuer and audience, and the product's memory of valid tokens), and for each report
/// one Npgsql batch that upserts the report and inserts an audit row, committed before the answer. No
/// Orleans, no rules, no roll-up. It runs as a service of its own, in a process of its own (this
/// program with <c>--crud-peer</c>, so with the silo's collector settings), as the silo does: its CPU
/// is read from its own process, and its thread pool is not shared with the load generator's.
/// </summary>
public sealed class CrudPeer : IAsyncDisposable
{
    private readonly Process _process;

    public string BaseUrl { get; }
    public int Pid => _process.Id;

    private CrudPeer(Process process, string baseUrl) => (_process, BaseUrl) = (process, baseUrl);

    /// <param name="environment">Runtime settings for the peer's process (its heap on huge pages, as the silo's).</param>
    public static async Task<CrudPeer> StartAsync(string connectionString, string signingKeyBase64, int poolSize, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, [typeof(CrudPeer).Assembly.Location, "--crud-peer"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true,
        };
        // In the environment rather than on the command line, where any user's `ps` would show them.
        start.Environment["PEER_DB"] = connectionString;
        start.Environment["PEER_KEY"] = signingKeyBase64;
        start.Environment["PEER_POOL"] = $"{poolSize}";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal)) return new CrudPeer(process, line["listening ".Length..]);
        }
        throw new InvalidOperationException($"The CRUD peer ended before it listened (exit code {(process.HasExited ? process.ExitCode : -1)}).");
    }

    /// <summary>The peer's own process: serves until its standard input closes.</summary>
    public static async Task<int> ServeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("PEER_DB")!;
        var signingKeyBase64 = Environment.GetEnvironmentVariable("PEER_KEY")!;
        var poolSize = int.Parse(Environment.GetEnvironmentVariable("PEER_POOL")!);
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize }.ConnectionString);
        await using (var create = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS peer_reports (code varchar(12), month varchar(7), figures jsonb, received_at timestamptz, PRIMARY KEY (code, month));
            CREATE TABLE IF NOT EXISTS peer_audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code varchar(12), month varchar(7), actor varchar(200), at timestamptz);
            TRUNCATE peer_reports, peer_audit
            """)) await create.ExecuteNonQueryAsync();

        // Its content root is its own folder, as the silo's is (run.sh): the default is the working
        // directory, the repo, where the host's watch for appsettings changes would read every
        // inotify event of PostgreSQL's writes under .data (5 % of the peer's CPU, session 25).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new Rectification.Api.Auth.ValidatedTokens(TimeProvider.System));
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "rectification", ValidAudience = "rectification-api",
                IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(signingKeyBase64)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256], ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/api/v1/cases/{code}/reports/{month}", async (string code, string month, HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var figures = await reader.ReadToEndAsync();
            await using var batch = db.CreateBatch();
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO peer_reports (code, month, figures, received_at) VALUES ($1, $2, $3::jsonb, now())
                ON CONFLICT (code, month) DO UPDATE SET figures = excluded.figures, received_at = excluded.received_at
                """);
            upsert.Parameters.AddWithValue(code);
            upsert.Parameters.AddWithValue(month);
            upsert.Parameters.AddWithValue(figures);
            var audit = new NpgsqlBatchCommand("INSERT INTO peer_audit (code, month, actor, at) VALUES ($1, $2, $3, now())");
            audit.Parameters.AddWithValue(code);
            audit.Parameters.AddWithValue(month);
            audit.Parameters.AddWithValue(http.User.FindFirst("sub")?.Value ?? "");
            batch.BatchCommands.Add(upsert);
            batch.BatchCommands.Add(audit);
            await batch.ExecuteNonQueryAsync();   // one implicit transaction: durable before the answer
            return Results.Ok(new { code, month });
        }).RequireAuthorization();
        await app.StartAsync();
        Console.WriteLine($"listening {app.Urls.First()}");
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
