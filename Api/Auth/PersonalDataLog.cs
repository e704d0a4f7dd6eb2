using Npgsql;
using NpgsqlTypes;

namespace Rectification.Api.Auth;

/// <summary>
/// Records each answer that carries secretaries' contacts: who read whose, when, through which route
/// (<c>personal_data_reads</c>, append-only). The record is written before the answer: if it cannot be
/// kept, the contacts are not served.
/// </summary>
public sealed class PersonalDataLog(NpgsqlDataSource db, Access access, IHttpContextAccessor http)
{
    public async Task RecordAsync(IEnumerable<string> units)
    {
        var codes = units.Distinct().ToArray();
        if (codes.Length == 0) return;
        var caller = access.Caller;
        var request = http.HttpContext!.Request;
        await using var cmd = db.CreateCommand("INSERT INTO personal_data_reads (actor, role, route, units) VALUES ($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(caller.Sub);
        cmd.Parameters.AddWithValue(caller.Role.ToWire());
        var route = $"{request.Method} {request.Path}";
        cmd.Parameters.AddWithValue(route.Length <= 300 ? route : route[..300]);
        cmd.Parameters.Add(new NpgsqlParameter { Value = codes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync();
    }
}
