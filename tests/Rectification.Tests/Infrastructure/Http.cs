using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rectification.Tests.Infrastructure;

/// <summary>Small helpers for reading API answers as JSON.</summary>
public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendJson(
        this HttpClient client, HttpMethod method, string url, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Post(this HttpClient c, string url, object? body = null,
        Action<HttpRequestMessage>? configure = null) => c.SendJson(HttpMethod.Post, url, body ?? new { }, configure);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Put(this HttpClient c, string url, object body,
        Action<HttpRequestMessage>? configure = null) => c.SendJson(HttpMethod.Put, url, body, configure);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Get(this HttpClient c, string url) =>
        c.SendJson(HttpMethod.Get, url);
}
