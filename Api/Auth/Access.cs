using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Auth;

/// <summary>
/// The one place that decides whether the caller may touch a unit: a well-formed code (400), a unit
/// that exists (404), inside the caller's subtree and with a sufficient role (403).
/// </summary>
public sealed class Access(UnitRegistry registry, IHttpContextAccessor http)
{
    public Caller Caller => Caller.From(http.HttpContext!.User);

    public async Task<(UnitRegistry.Node? Node, IResult? Denied)> CheckAsync(string code, Role minimum = Role.Viewer)
    {
        if (!UnitCode.IsWellFormed(code))
        {
            return (null, Problems.Validation("code", "A unit code is 12 digits, e.g. 150000000000."));
        }
        var node = await registry.FindAsync(code);
        if (node is null) return (null, Problems.NotFound($"No unit has the code {code}."));
        var caller = Caller;
        if (!await registry.IsWithinAsync(code, caller.Unit))
        {
            return (null, Problems.Forbidden($"Unit {code} is outside the subtree of {caller.Unit}."));
        }
        if (!caller.AtLeast(minimum))
        {
            return (null, Problems.Forbidden($"This needs the role {minimum.ToWire()} or higher; the token has {caller.Role.ToWire()}."));
        }
        return (node, null);
    }

    /// <summary>The same check for a case: the unit must also be a grassroots organization (else 404).</summary>
    public async Task<(UnitRegistry.Node? Node, IResult? Denied)> CheckCaseAsync(string code, Role minimum = Role.Viewer)
    {
        var (node, denied) = await CheckAsync(code, minimum);
        if (denied is null && node!.Level != UnitLevel.Village)
        {
            return (null, Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a grassroots organization."));
        }
        return (node, denied);
    }
}
