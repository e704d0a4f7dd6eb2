using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Rectification.Api.Setup;

/// <summary>JSON, problem details for every error, body size and rate limits, OpenAPI.</summary>
public static class HttpConventions
{
    public const string PerCaller = "per-caller";

    public static void AddHttpConventions(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        var limits = builder.Configuration.GetSection("Limits");
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            // Deeply nested JSON is refused while it is read, before it costs anything.
            o.SerializerOptions.MaxDepth = limits.GetValue("MaxJsonDepth", 32);
        });
        Paging.MaxLimit = limits.GetValue("MaxPageSize", 500);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // No exception text and no stack trace ever reach a client: a server error says only that it was logged.
            ctx.ProblemDetails.Extensions.Remove("exception");
            if (ctx.ProblemDetails.Status >= 500 && ctx.ProblemDetails.Status != 503)
            {
                ctx.ProblemDetails.Detail = "An unexpected error occurred; it has been logged with the trace id.";
            }
        });
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        // Binding failures throw, so BadRequestHandler can name the field instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Limits:MaxBodyBytes", 256 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = limits.GetValue("MaxHeaderBytes", 32 * 1024);
            k.AddServerHeader = false;
        });
        // A request runs on the thread that read it, not handed on to another: 3-4 % more reports a
        // second and less CPU per report in the rush (docs/benchmarks.md, session 13). "Unsafe" only
        // for code that blocks: the sockets' completions still arrive on pool threads, not the event loop.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o =>
            o.UnsafePreferInlineScheduling = builder.Configuration.GetValue("Kestrel:InlineScheduling", true));

        // Each caller (token subject) gets its own token bucket; anonymous requests share one by address.
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PerCaller, ctx =>
            {
                var config = ctx.RequestServices.GetRequiredService<IConfiguration>();
                var key = ctx.User.FindFirst("sub")?.Value ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = config.GetValue("RateLimit:Burst", 200),
                    TokensPerPeriod = config.GetValue("RateLimit:PerSecond", 100),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var problems = ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "Slow down and retry shortly." },
                });
            };
        });

        builder.Services.AddOpenApi(o => o.AddOperationTransformer(ParameterEnums.Apply).AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Rectification of weak and lax grassroots Party organizations";
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with claims sub, unit and role.",
            };
            return Task.CompletedTask;
        }));
    }

    public static void UseHttpConventions(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // Unhandled errors and framework errors (413 from Kestrel, 400 from a malformed body) become problem details.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        // Empty-bodied 401/403/404/405 from authentication and routing get a problem body too.
        app.UseStatusCodePages();
        // Kestrel enforces the limit too; this answers early and the same way behind any server.
        var maxBody = app.Configuration.GetValue("Limits:MaxBodyBytes", 256 * 1024);
        var maxImport = app.Configuration.GetValue("Limits:MaxImportBytes", 16 * 1024 * 1024);
        var maxHeaders = app.Configuration.GetValue("Limits:MaxHeaderBytes", 32 * 1024);
        app.Use(async (ctx, next) =>
        {
            // Kestrel refuses oversized headers itself (without a body); behind another server this answers alike.
            if (ctx.Request.Headers.Sum(h => h.Key.Length + h.Value.Sum(v => v?.Length ?? 0)) > maxHeaders)
            {
                ctx.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
                await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx,
                    ProblemDetails = { Status = 431, Title = "Request headers too large.", Detail = $"At most {maxHeaders} bytes of headers." },
                });
                return;
            }
            // Imports carry files: their own, larger limit.
            var limit = maxBody;
            if (HttpMethods.IsPost(ctx.Request.Method) && ctx.Request.Path.Value?.EndsWith("/import", StringComparison.Ordinal) == true)
            {
                limit = maxImport;
                if (ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = maxImport;
            }
            if (ctx.Request.ContentLength > limit)
            {
                ctx.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx,
                    ProblemDetails = { Status = 413, Title = "Request body too large.", Detail = $"At most {limit} bytes." },
                });
                return;
            }
            await next();
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
    }
}
