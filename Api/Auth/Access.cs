using Rectification.Security;
using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Auth;

/// <summary>
/// Applies the access policy (<see cref="AccessPolicy"/>) to a request: a well-formed code (400), a
/// unit that exists (404), and the table's answer for the caller's role, the target's relation to the
/// caller's unit and the action (403, with <c>rule: accessPolicy</c>). The route's filter runs it once
/// per request (<see cref="AccessRules"/>); handlers read the unit it found.
/// </summary>
public sealed class Access(UnitRegistry registry, IHttpContextAccessor http)
{
    private const string TargetKey = "access.target";

    private Caller? _caller;

    /// <summary>The caller of this request (the service is scoped to it): read off the token's claims once.</summary>
    public Caller Caller => _caller ??= Caller.From(http.HttpContext!.User);

    /// <summary>The target unit the route's access rule checked (null when it was a unit still to be created).</summary>
    public UnitRegistry.Node? Target => http.HttpContext!.Items[TargetKey] as UnitRegistry.Node;

    public async Task<(UnitRegistry.Node? Node, IResult? Denied)> CheckAsync(AccessRule rule, string? routeValue)
    {
        var caller = Caller;
        string code;
        switch (rule.Target)
        {
            case AccessTarget.Caller:
                code = caller.Unit;
                break;
            case AccessTarget.Root:
                code = await registry.RootAsync() ?? throw new InvalidOperationException("The registry is empty.");
                break;
            default:
                if (!UnitCode.IsWellFormed(routeValue)) return (null, Problems.Validation(rule.Parameter, "A unit code is 12 digits, e.g. 150000000000."));
                code = routeValue!;
                break;
        }
        var node = await registry.FindAsync(code);
        if (node is null)
        {
            if (!rule.MayNotExist) return (null, Problems.NotFound($"No unit has the code {code}."));
            // A unit to be created: the handler checks where it would sit; the caller acts on their own unit.
            code = caller.Unit;
        }
        else if (rule.Village && node.Level != UnitLevel.Village)
        {
            return (null, Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a grassroots organization."));
        }
        var nodes = await registry.AllAsync();
        if (Deny(rule.Action, code, c => nodes.GetValueOrDefault(c)?.ParentCode) is { } denied) return (null, denied);
        http.HttpContext!.Items[TargetKey] = node;
        return (node, null);
    }

    /// <summary>The policy's 403 for acting on <paramref name="code"/>, or null when the table allows it (parents from the given tree).</summary>
    public IResult? Deny(AccessAction action, string code, Func<string, string?> parentOf)
    {
        var caller = Caller;
        var relation = AccessPolicy.RelationOf(caller.Unit, code, parentOf);
        if (AccessPolicy.Allows(caller.Role, relation, action)) return null;
        return Problems.Forbidden(
            $"The access policy does not let a {caller.Role.ToWire()} of {caller.Unit} {Verb(action)} unit {code} ({Wire(relation)} of the token's unit).",
            new Dictionary<string, object?> { ["rule"] = "accessPolicy", ["action"] = Wire(action), ["relation"] = Wire(relation) });
    }

    /// <summary>The policy's answer for personal data of a unit inside the caller's subtree.</summary>
    public bool SeesPersonalData => Caller.Role.SeesPersonalData();

    private static string Verb(AccessAction action) => action switch
    {
        AccessAction.Read => "read",
        AccessAction.ReadPersonalData => "read personal data of",
        AccessAction.Write => "write to",
        AccessAction.Decide => "review or approve for",
        _ => "administer",
    };

    private static string Wire<T>(T value) where T : Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];
}
