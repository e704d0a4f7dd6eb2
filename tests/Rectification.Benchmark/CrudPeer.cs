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
/// Orleans, no rules, no roll-up.
/// </summary>
public sealed class CrudPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _db;

    public string BaseUrl { get; }

    private CrudPeer(WebApplication app, NpgsqlDataSource db, string baseUrl) => (_app, _db, BaseUrl) = (app, db, baseUrl);

    public static async Task<CrudPeer> StartAsync(string connectionString, string signingKeyBase64, int poolSize)
    {
        var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize }.ConnectionString);
        await using (var create = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS peer_reports (code varchar(12), month varchar(7), figures jsonb, received_at timestamptz, PRIMARY KEY (code, month));
            CREATE TABLE IF NOT EXISTS peer_audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code varchar(12), month varchar(7), actor varchar(200), at timestamptz);
            TRUNCATE peer_reports, peer_audit
            """)) await create.ExecuteNonQueryAsync();

        var builder = WebApplication.CreateSlimBuilder();
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
        return new CrudPeer(app, db, app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }
}
