using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Rectification.Api.Setup;
using Rectification.Cases;

namespace Rectification.Tests.Api;

/// <summary>A command's answer goes out whole, with its length, and in the API's JSON conventions.</summary>
public sealed class SizedJsonTests
{
    [Fact]
    public async Task The_answer_carries_the_length_of_exactly_the_bytes_written()
    {
        var services = new ServiceCollection();
        // The API's own JSON settings: statuses as camelCase strings.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        var http = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        var body = new MemoryStream();
        http.Response.Body = body;
        var ack = new CaseAck("150102001001", "report", CaseStatus.AcceptanceRequested, 7, new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.FromHours(8)));

        await new SizedJson<CaseAck>(ack).ExecuteAsync(http);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
        Assert.Equal(body.Length, http.Response.ContentLength);
        var json = JsonNode.Parse(body.ToArray())!;
        Assert.Equal("150102001001", (string?)json["code"]);
        Assert.Equal("acceptanceRequested", (string?)json["status"]);
        Assert.Equal(7, (int)json["version"]!);
        Assert.Equal(ack.At, (DateTimeOffset)json["at"]!);
    }
}
