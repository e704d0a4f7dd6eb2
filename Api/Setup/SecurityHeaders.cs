namespace Rectification.Api.Setup;

/// <summary>
/// Headers on every answer, errors included (set when the answer starts, after any handler cleared
/// it): no sniffing, no framing, no referrer, nothing cached, and a content policy that allows nothing
/// for the API's JSON (the OpenAPI browser at /docs and /scalar, and a co-hosting silo's dashboard, load their own scripts).
/// </summary>
public static class SecurityHeaders
{
    public static void UseSecurityHeaders(this WebApplication app) => app.Use((ctx, next) =>
    {
        ctx.Response.OnStarting(() =>
        {
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Cross-Origin-Resource-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (Portal.Serves(ctx.Request.Path))
            {
                // The portal (docs/portal.md): its own scripts, styles and data only; no inline code, no other origin.
                h.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
                    + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
            }
            // A silo that co-hosts the API serves the Orleans dashboard here too (loopback only), with its own scripts.
            else if (!ctx.Request.Path.StartsWithSegments("/docs") && !ctx.Request.Path.StartsWithSegments("/scalar")
                && !ctx.Request.Path.StartsWithSegments("/dashboard"))
            {
                h.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            }
            if (ctx.Request.Path.StartsWithSegments("/api")) h.CacheControl = "no-store";
            if (ctx.Request.IsHttps) h.StrictTransportSecurity = "max-age=31536000";
            return Task.CompletedTask;
        });
        return next(ctx);
    });
}
