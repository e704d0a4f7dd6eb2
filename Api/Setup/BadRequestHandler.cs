using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Rectification.Api.Setup;

/// <summary>
/// A body that is not JSON, or JSON of the wrong type, becomes a 400 that names the field the parser
/// stopped at (<c>criteria[0]</c>), not a bare "Bad Request". Oversized bodies keep their 413.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad) return false;
        var json = bad.InnerException as JsonException;
        // Framework messages name .NET types and parameters: the client gets the field and a plain reason instead.
        var parameter = System.Text.RegularExpressions.Regex.Match(bad.Message, "parameter \"(?:[^\" ]+ )?([A-Za-z_][A-Za-z0-9_]*)\"");
        var field = json?.Path is { Length: > 1 } path ? path.TrimStart('$', '.')
            : parameter.Success ? char.ToLowerInvariant(parameter.Groups[1].Value[0]) + parameter.Groups[1].Value[1..] : "body";
        if (field.Length > 100) field = field[..100];
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = 400,
                Title = "The request is not valid.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [json is null
                    ? parameter.Success ? "Not a value of the expected type." : "The request body is missing or not readable."
                    : "Not readable as the expected JSON: malformed, too deeply nested, or a value of the wrong type."] } },
            },
        });
    }
}
