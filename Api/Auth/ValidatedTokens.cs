using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rectification.Api.Auth;

/// <summary>
/// The bearer-token check with a memory of tokens it has found valid. A reporter sends the same token
/// with every request of a session; reading it again (base64, JSON, claims) and checking its signature
/// each time was about a twentieth of the silo's CPU per report and a tenth of what it allocated
/// (docs/benchmarks.md, session 18). No library caches validation results, so this does.
///
/// Only a token checked in full and found valid is remembered, under its exact text, signature
/// included: a token that differs in any byte is checked in full, and an invalid one is never
/// remembered, so nobody without a valid token can fill the memory. A remembered token is taken
/// until its expiry (plus the allowed clock skew), and at most <see cref="Remembered"/> after its full
/// check: a signing key an authority withdraws from its published keys stops being accepted within
/// that time after the API has fetched them (local keys change with a restart, which forgets all).
/// Each request gets its own copy of the claims.
/// </summary>
public sealed class ValidatedTokens(TimeProvider clock) : TokenHandler
{
    /// <summary>How long a full check stands for the same token.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);

    /// <summary>More distinct valid tokens than this within <see cref="Remembered"/> and the memory starts again.</summary>
    public const int Capacity = 50_000;

    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);

    /// <summary>A token found valid: its identity as checked (handed out only as copies), until when it is taken.</summary>
    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, DateTimeOffset Until);

    /// <summary>How many tokens are remembered.</summary>
    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (_valid.TryGetValue(token, out var known))
        {
            if (now < known.Until)
            {
                return new TokenValidationResult { IsValid = true, SecurityToken = known.Token, ClaimsIdentity = known.Identity.Clone() };
            }
            _valid.TryRemove(new KeyValuePair<string, Entry>(token, known));
        }
        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } checkedToken && result.ClaimsIdentity is { } identity)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(checkedToken.ValidTo, DateTimeKind.Utc)) + validationParameters.ClockSkew;
            var until = expires < now + Remembered ? expires : now + Remembered;
            if (_valid.Count >= Capacity) Forget(now);
            _valid[token] = new Entry(identity.Clone(), checkedToken, until);
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    /// <summary>The expired entries, and all of them if that was not enough.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (token, entry) in _valid)
        {
            if (entry.Until <= now) _valid.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }
        if (_valid.Count >= Capacity) _valid.Clear();
    }
}
