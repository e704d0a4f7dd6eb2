using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Rectification.Api.Auth;
using Rectification.Cases;

namespace Rectification.Api.Setup;

/// <summary>
/// If-Match (a version this API issued as an ETag) and Idempotency-Key (with a hash of the parsed
/// request, so the same key with another body is told apart) as every write route reads them.
/// </summary>
public sealed class WriteConditions(Access access, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public IResult? TryRead(HttpContext http, object request, out CommandConditions conditions)
    {
        conditions = new CommandConditions();
        int? ifMatch = null;
        if (http.Request.Headers.IfMatch is { Count: > 0 } header)
        {
            if (!int.TryParse(header.ToString().Replace("W/", "").Trim('"'), out var v))
            {
                return Problems.Validation("If-Match", "An ETag this API issued, e.g. \"3\".");
            }
            ifMatch = v;
        }
        string? key = null, hash = null;
        if (http.Request.Headers.TryGetValue("Idempotency-Key", out var idem) && idem.ToString() is { Length: > 0 } k)
        {
            if (k.Length > 200) return Problems.Validation("Idempotency-Key", "At most 200 characters.");
            // Keys are per caller: two people cannot collide, nor replay each other's answers.
            key = $"{access.Caller.Sub}:{k}";
            var bytes = JsonSerializer.SerializeToUtf8Bytes<object>(request, json.Value.SerializerOptions);
            hash = Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes(request.GetType().Name), .. bytes]));
        }
        conditions = new CommandConditions(ifMatch, key, hash);
        return null;
    }
}

/// <summary>The If-Match header as a version number; absent is fine, malformed is not.</summary>
public static class IfMatch
{
    public static bool TryRead(HttpContext http, out int? version)
    {
        version = null;
        if (http.Request.Headers.IfMatch is not { Count: > 0 } header) return true;
        if (!int.TryParse(header.ToString().Replace("W/", "").Trim('"'), out var v)) return false;
        version = v;
        return true;
    }
}
