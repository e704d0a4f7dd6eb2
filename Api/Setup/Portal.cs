namespace Rectification.Api.Setup;

/// <summary>
/// The portal (docs/portal.md): static files built in the repo (Api/wwwroot: one page, its scripts and
/// its style sheet), served by the API at <c>/</c>. Everything it shows comes from the public routes.
/// </summary>
public static class Portal
{
    private static readonly string[] Paths = ["/", "/index.html", "/portal.css"];

    public static bool Serves(PathString path) => Paths.Contains(path.Value) || path.StartsWithSegments("/js");

    public static void UsePortal(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Revalidate every time: a new deployment's scripts are picked up at once, and unchanged files cost a 304.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
