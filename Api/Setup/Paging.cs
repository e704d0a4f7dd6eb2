using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Rectification.Api.Setup;

/// <summary>?limit= (default 50, at most 500) and an opaque cursor that encodes the last key seen.</summary>
public readonly record struct Paging(int Limit, string? After)
{
    public const int DefaultLimit = 50;

    /// <summary>The largest page (<c>Limits:MaxPageSize</c>, 500 by default), set once at start-up.</summary>
    public static int MaxLimit { get; set; } = 500;

    public static bool TryParse(int? limit, string? cursor, out Paging paging, out IResult? problem)
    {
        paging = default;
        problem = null;
        var l = limit ?? Math.Min(DefaultLimit, MaxLimit);
        if (l < 1 || l > MaxLimit)
        {
            problem = Problems.Validation("limit", $"Between 1 and {MaxLimit}.");
            return false;
        }
        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                after = cursor.Length > 1000 ? throw new FormatException() : new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(WebEncoders.Base64UrlDecode(cursor));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                problem = Problems.Validation("cursor", "Not a cursor this API issued.");
                return false;
            }
        }
        paging = new Paging(l, after);
        return true;
    }

    public static string Encode(string lastKey) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(lastKey));
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
