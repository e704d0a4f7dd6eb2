namespace Rectification.Security;

/// <summary>What a request does to its target unit.</summary>
public enum AccessAction
{
    /// <summary>Read figures, lists, profiles without personal data, cases, forms.</summary>
    Read,
    /// <summary>Read secretaries' contacts (personal data).</summary>
    ReadPersonalData,
    /// <summary>Report, propose, plan, resolve, apply: the everyday writes.</summary>
    Write,
    /// <summary>Review (复核), approve (审定), evaluate, decide sign-offs, relapse.</summary>
    Decide,
    /// <summary>Edit the registry and reference data, import, force a reconciliation.</summary>
    Administer,
}

/// <summary>Where the target unit sits relative to the unit in the caller's token.</summary>
public enum Relation { Same, Descendant, Ancestor, Sibling, Unrelated }

/// <summary>
/// The one table that decides every request: for each action, the lowest role that may take it and
/// the relations of the target to the caller's unit where it applies. A caller acts on their own unit
/// and the units below it, never above, beside or elsewhere (OWASP API1: a reporter writes only in
/// their subtree). Reference data everyone reads names the caller's own unit as its target; the
/// region-wide catalogues name the root, so only the root's admins change them.
/// </summary>
public static class AccessPolicy
{
    public sealed record Entry(AccessAction Action, Role MinimumRole, Relation[] Relations);

    private static readonly Relation[] Subtree = [Relation.Same, Relation.Descendant];

    public static readonly IReadOnlyList<Entry> Table =
    [
        new(AccessAction.Read, Role.Viewer, Subtree),
        new(AccessAction.ReadPersonalData, Role.Reviewer, Subtree),
        new(AccessAction.Write, Role.Reporter, Subtree),
        new(AccessAction.Decide, Role.Reviewer, Subtree),
        new(AccessAction.Administer, Role.Admin, Subtree),
    ];

    public static bool Allows(Role role, Relation relation, AccessAction action)
    {
        var entry = Table.Single(e => e.Action == action);
        return role >= entry.MinimumRole && entry.Relations.Contains(relation);
    }

    /// <summary>The relation of <paramref name="target"/> to <paramref name="caller"/>, walking parents with <paramref name="parentOf"/>.</summary>
    public static Relation RelationOf(string caller, string target, Func<string, string?> parentOf)
    {
        if (caller == target) return Relation.Same;
        if (IsBelow(target, caller, parentOf)) return Relation.Descendant;
        if (IsBelow(caller, target, parentOf)) return Relation.Ancestor;
        var p = parentOf(caller);
        return p is not null && p == parentOf(target) ? Relation.Sibling : Relation.Unrelated;
    }

    private static bool IsBelow(string code, string ancestor, Func<string, string?> parentOf)
    {
        // A bounded walk: the tree is five levels deep, and a damaged registry must not loop.
        var current = parentOf(code);
        for (var steps = 0; current is not null && steps < 32; steps++, current = parentOf(current))
        {
            if (current == ancestor) return true;
        }
        return false;
    }
}
