using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Rectification.Api.Auth;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>The memory of valid tokens: what it remembers, for how long, and what it hands out.</summary>
public sealed class ValidatedTokensTests
{
    private const string Region = "150000000000";
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "k1" };

    private static TokenValidationParameters Parameters(SecurityKey? key = null) => new()
    {
        ValidIssuer = TokenIssuer.Issuer, ValidAudience = TokenIssuer.Audience, IssuerSigningKey = key ?? Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256], RequireExpirationTime = true, ClockSkew = TimeSpan.Zero,
    };

    /// <summary>A clock that stands still until moved.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task A_valid_token_is_checked_in_full_once_and_then_taken_for_a_minute_at_most()
    {
        var clock = new ManualClock();
        var tokens = new ValidatedTokens(clock);
        var token = TokenIssuer.Issue(Key, "reporter-1", Region, Role.Reporter);

        Assert.True((await tokens.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(1, tokens.Count);
        // Its key withdrawn: a full check would refuse it now, the memory still takes it ...
        var withdrawn = Parameters(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "k2" });
        clock.Now += ValidatedTokens.Remembered - TimeSpan.FromSeconds(1);
        Assert.True((await tokens.ValidateTokenAsync(token, withdrawn)).IsValid);
        // ... but not beyond the minute after its full check.
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False((await tokens.ValidateTokenAsync(token, withdrawn)).IsValid);
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public async Task Each_request_gets_its_own_copy_of_the_claims()
    {
        var tokens = new ValidatedTokens(TimeProvider.System);
        var token = TokenIssuer.Issue(Key, "reporter-2", Region, Role.Reporter);

        var checkedInFull = (await tokens.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        // The next two come from memory: what one request does to its claims the other must not see.
        var first = (await tokens.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        first.AddClaim(new Claim("role", "admin"));
        var second = (await tokens.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        Assert.NotSame(first, second);
        Assert.NotSame(checkedInFull, first);
        Assert.Equal(["reporter"], second.FindAll("role").Select(c => c.Value));
        Assert.Equal("reporter-2", second.FindFirst("sub")!.Value);
        Assert.Equal(Region, second.FindFirst("unit")!.Value);
    }

    [Fact]
    public async Task Tokens_that_fail_the_check_are_never_remembered()
    {
        var tokens = new ValidatedTokens(TimeProvider.System);
        var good = TokenIssuer.Issue(Key, "reporter-3", Region, Role.Reporter);
        var parts = good.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        Assert.False((await tokens.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await tokens.ValidateTokenAsync(TokenIssuer.Issue(Key, "x", Region, Role.Reporter, audience: "another-api"), Parameters())).IsValid);
        Assert.False((await tokens.ValidateTokenAsync("garbage", Parameters())).IsValid);
        Assert.Equal(0, tokens.Count);
        // The valid one is remembered, and its forged twin still fails.
        Assert.True((await tokens.ValidateTokenAsync(good, Parameters())).IsValid);
        Assert.False((await tokens.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.Equal(1, tokens.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_from_its_expiry_on()
    {
        var tokens = new ValidatedTokens(TimeProvider.System);
        // Issued 58 s ago for a minute: it expires 2 s from now, well inside the memory's minute.
        var issued = DateTime.UtcNow.AddSeconds(-58);
        var token = TokenIssuer.Issue(Key, "reporter-4", Region, Role.Reporter, TimeSpan.FromMinutes(1), now: issued);
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters())).IsValid);

        await Eventually.Until(() => tokens.ValidateTokenAsync(token, Parameters()), r => !r.IsValid, TimeSpan.FromSeconds(20), "the token refused");
        // JWT times are whole seconds: the expiry is the issue time's second plus the lifetime.
        var expiry = DateTimeOffset.FromUnixTimeSeconds(new DateTimeOffset(issued).ToUnixTimeSeconds() + 60);
        Assert.True(DateTimeOffset.UtcNow >= expiry, $"refused at {DateTimeOffset.UtcNow:O}, before its expiry {expiry:O}");
    }
}
