using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using Rectification.Api.Auth;
using Rectification.Hosting;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// The real topology in one process: a silo on loopback ports with ADO.NET membership, storage and
/// reminders on a fresh PostgreSQL database, and the real ASP.NET Core API joining it as a client.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(48);
    private IHost _silo = null!;

    public TestDatabase Db { get; private set; } = null!;

    /// <summary>The silo's services (its read-model writer, its registry).</summary>
    public IServiceProvider SiloServices => _silo.Services;

    /// <summary>The API's local signing key in these tests.</summary>
    public byte[] SigningKey => _key;
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>Where the fixture's database comes from: the suite's cluster unless a test brings its own.</summary>
    public Func<Task<TestDatabase>> CreateDatabase { get; init; } = TestDatabase.CreateAsync;

    /// <summary>Settings of the silo (a webhook to deliver notices to, say); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> SiloSettings { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Db = await CreateDatabase();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(SiloSettings);
        builder.UseOrleans(silo => silo
            .UseRectificationClustering(Db.DataSource, IPAddress.Loopback, FreePort.Next(), FreePort.Next())
            .AddRectification(Db.DataSource));
        _silo = builder.Build();
        await _silo.StartAsync();
        Factory = WithSettings(new Dictionary<string, string?>());
    }

    /// <summary>An API over the same silo with some settings changed (dev tokens off, a tiny rate limit).</summary>
    public WebApplicationFactory<Program> WithSettings(Dictionary<string, string?> overrides) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Rectification", Db.ConnectionString);
            web.UseSetting("Auth:SigningKey", Convert.ToBase64String(_key));
            web.UseSetting("Auth:DevTokens", "true");
            web.UseSetting("RateLimit:PerSecond", "10000");
            web.UseSetting("RateLimit:Burst", "10000");
            foreach (var (k, v) in overrides) web.UseSetting(k, v);
        });

    public HttpClient Client(string unit, Role role, string? sub = null) => Client(Factory, unit, role, sub);

    public HttpClient Client(WebApplicationFactory<Program> factory, string unit, Role role, string? sub = null)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(unit, role, sub));
        return client;
    }

    public string Token(string unit, Role role, string? sub = null) =>
        TokenIssuer.Issue(new SymmetricSecurityKey(_key), sub ?? $"{role.ToWire()}-{unit}", unit, role);

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _silo.StopAsync();
        _silo.Dispose();
        await Db.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>A cluster of its own for tests that edit the registry (profiles, moves, imports): the shared one keeps the real tree.</summary>
[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "ledger";
}

/// <summary>A cluster of its own for the seed's whole distribution, so the region's figures are exactly the import's.</summary>
[CollectionDefinition(Name)]
public sealed class SeedImportCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "seed-import";
}

/// <summary>A cluster of its own for the campaign's work (issue #12), so the region's figures are exactly what its tests wrote.</summary>
[CollectionDefinition(Name)]
public sealed class CampaignCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "campaign";
}
