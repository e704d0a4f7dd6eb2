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
        var field = json?.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body";
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
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [json is null ? bad.Message : $"Not readable as the expected JSON: {json.Message.Split(" Path:")[0]}"] } },
            },
        });
    }
}
