using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rectification.Api.Setup;

/// <summary>
/// The values a string query parameter takes, declared on its route so the OpenAPI document lists them
/// as an enumeration (the handlers take strings, to answer a wrong value with a 400 naming the field).
/// </summary>
public sealed record ParameterEnum(string Name, params string[] Values);

public static class ParameterEnums
{
    public static RouteHandlerBuilder WithEnum(this RouteHandlerBuilder route, string name, params string[] values) =>
        route.WithMetadata(new ParameterEnum(name, values));

    /// <summary>Sets each declared enumeration on its parameter's schema, and shows the route's access rule as <c>x-access</c>.</summary>
    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Auth.AccessRule>().FirstOrDefault() is { } rule)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-access"] = new JsonNodeExtension(new JsonObject
            {
                ["action"] = Camel(rule.Action.ToString()),
                ["target"] = Camel(rule.Target.ToString()),
            });
        }
        foreach (var declared in context.Description.ActionDescriptor.EndpointMetadata.OfType<ParameterEnum>())
        {
            var parameter = operation.Parameters?.FirstOrDefault(p => string.Equals(p.Name, declared.Name, StringComparison.OrdinalIgnoreCase));
            if (parameter?.Schema is OpenApiSchema schema)
            {
                schema.Enum = [.. declared.Values.Select(v => (JsonNode)JsonValue.Create(v))];
            }
        }
        return Task.CompletedTask;
    }

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}
