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

    /// <summary>Sets each declared enumeration on its parameter's schema.</summary>
    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
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
}
