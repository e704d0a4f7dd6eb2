using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Rectification.Api.Setup;

/// <summary>
/// A 200 whose JSON body is serialized first and written in one piece with its Content-Length.
/// <c>TypedResults.Ok</c> streams the body without a length, so Kestrel sends it chunked: the headers
/// and the body in one send, then the closing chunk in another, each a system call and, on loopback,
/// the receiver's TCP work too. For the small answers of case commands, the hot path at month-end,
/// one send is enough (measured: docs/benchmarks.md, session 23).
/// </summary>
public sealed class SizedJson<T>(T value) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }
}
