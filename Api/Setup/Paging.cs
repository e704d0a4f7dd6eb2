using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Rectification.Api.Setup;

/// <summary>?limit= (default 50, at most 500) and an opaque cursor that encodes the last key seen.</summary>
public readonly record struct Paging(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static bool TryParse(int? limit, string? cursor, out Paging paging, out IResult? problem)
    {
        paging = default;
        problem = null;
        var l = limit ?? DefaultLimit;
        if (l is < 1 or > MaxLimit)
        {
            problem = Problems.Validation("limit", $"Between 1 and {MaxLimit}.");
            return false;
        }
        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                after = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(cursor));
            }
            catch (FormatException)
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
