namespace Rectification.Api.Auth;

/// <summary>A signing key the API accepts, named by the key id (kid) tokens carry.</summary>
public sealed record SigningKeySetting(string Id, string Key);

/// <summary>
/// How bearer tokens are checked (<c>Auth</c> in configuration). Either local keys (HS256; several
/// for rotation, told apart by kid) or an OpenID Connect authority whose published keys are used.
/// One of the two is required: the API does not start without.
/// </summary>
public sealed class AuthSettings
{
    public string Issuer { get; set; } = "rectification";
    public string Audience { get; set; } = "rectification-api";
    /// <summary>One local key (base64, at least 32 bytes), kid "local". Kept for the simple case.</summary>
    public string? SigningKey { get; set; }
    /// <summary>Local keys for rotation: every listed key is accepted by its kid; the first signs dev tokens.</summary>
    public List<SigningKeySetting> SigningKeys { get; set; } = [];
    /// <summary>An OpenID Connect issuer (https://idp.example/realms/region): its discovery document names the keys.</summary>
    public string? Authority { get; set; }
    public bool RequireHttpsMetadata { get; set; } = true;
    public int ClockSkewSeconds { get; set; } = 30;
    /// <summary>Tokens that live longer than this (expiry minus issue time) are refused.</summary>
    public int MaxLifetimeMinutes { get; set; } = 720;
    /// <summary>The claims that carry the caller's subject, unit and role (an identity provider may name them otherwise).</summary>
    public string SubClaim { get; set; } = "sub";
    public string UnitClaim { get; set; } = "unit";
    public string RoleClaim { get; set; } = "role";
    public bool DevTokens { get; set; }

    public static AuthSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Auth").Get<AuthSettings>() ?? new AuthSettings();
        settings.Validate();
        return settings;
    }

    /// <summary>The keys in force, local ones only (none when an authority is used).</summary>
    public IReadOnlyList<Microsoft.IdentityModel.Tokens.SymmetricSecurityKey> Keys() =>
        [.. (string.IsNullOrWhiteSpace(SigningKey) ? [] : new[] { new SigningKeySetting("local", SigningKey) })
            .Concat(SigningKeys.Where(k => !string.IsNullOrWhiteSpace(k.Key)))
            .Select(k => new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(k.Key)) { KeyId = k.Id })];

    private void Validate()
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(Authority);
        var keys = (string.IsNullOrWhiteSpace(SigningKey) ? [] : new[] { SigningKey }).Concat(SigningKeys.Select(k => k.Key)).Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (!hasAuthority && keys.Count == 0)
        {
            throw new InvalidOperationException("Auth: set Auth:Authority (an OpenID Connect issuer) or Auth:SigningKey / Auth:SigningKeys. The API does not start without a way to check tokens.");
        }
        foreach (var key in keys)
        {
            byte[] bytes;
            try { bytes = Convert.FromBase64String(key!); }
            catch (FormatException) { throw new InvalidOperationException("Auth: a signing key is not base64."); }
            if (bytes.Length < 32) throw new InvalidOperationException("Auth: a signing key must be at least 32 bytes.");
        }
        if (SigningKeys.Select(k => k.Id).Distinct().Count() != SigningKeys.Count || SigningKeys.Any(k => string.IsNullOrWhiteSpace(k.Id)))
        {
            throw new InvalidOperationException("Auth:SigningKeys: every key needs an Id, each different.");
        }
        if (hasAuthority && DevTokens)
        {
            throw new InvalidOperationException("Auth:DevTokens mints local tokens; it cannot be on with an identity provider (Auth:Authority).");
        }
        if (MaxLifetimeMinutes is < 1 or > 7 * 24 * 60) throw new InvalidOperationException("Auth:MaxLifetimeMinutes: between 1 and 10080.");
        if (ClockSkewSeconds is < 0 or > 600) throw new InvalidOperationException("Auth:ClockSkewSeconds: between 0 and 600.");
    }
}
