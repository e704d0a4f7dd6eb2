using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Rectification.Api.Auth;

namespace Rectification.Api.Setup;

/// <summary>
/// Idempotency-Key for writes that are not a grain's (profiles, imports): the first answer is kept in
/// PostgreSQL under the caller and the key, with a hash of the request, and a retry gets it again;
/// the same key with another request is a 409.
/// </summary>
public sealed class IdempotentAnswers(NpgsqlDataSource db, Access access, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public sealed record Key(string Value, string RequestHash);

    /// <summary>Reads the header; null key when absent. A 400 when it is too long.</summary>
    public IResult? TryRead(HttpContext http, string requestText, out Key? key)
    {
        key = null;
        if (!http.Request.Headers.TryGetValue("Idempotency-Key", out var header) || header.ToString() is not { Length: > 0 } k) return null;
        if (k.Length > 200) return Problems.Validation("Idempotency-Key", "At most 200 characters.");
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n{requestText}")));
        key = new Key($"{access.Caller.Sub}:{k}", hash);
        return null;
    }

    /// <summary>The answer given before to this key, or a 409 if the key came with another request; null if new.</summary>
    public async Task<IResult?> ReplayAsync(Key? key)
    {
        if (key is null) return null;
        await using var cmd = db.CreateCommand("SELECT request_hash, status, body FROM idempotency WHERE key = $1");
        cmd.Parameters.AddWithValue(key.Value);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) return null;
        if (r.GetString(0) != key.RequestHash)
        {
            return Problems.Conflict("This Idempotency-Key was used with another request.", new Dictionary<string, object?> { ["rule"] = "idempotencyKeyReused" });
        }
        return Results.Text(r.GetString(2), "application/json", Encoding.UTF8, r.GetInt32(1));
    }

    public async Task RememberAsync(Key? key, int status, object body)
    {
        if (key is null) return;
        await using var cmd = db.CreateCommand(
            "INSERT INTO idempotency (key, request_hash, status, body) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING");
        cmd.Parameters.AddWithValue(key.Value);
        cmd.Parameters.AddWithValue(key.RequestHash);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(body, json.Value.SerializerOptions));
        await cmd.ExecuteNonQueryAsync();
    }
}
