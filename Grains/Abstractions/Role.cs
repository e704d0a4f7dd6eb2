namespace Rectification;

/// <summary>What a caller may do within the subtree of the unit in their token. Ordered: each role has the powers of those before it.</summary>
public enum Role
{
    /// <summary>Reads only.</summary>
    Viewer,
    /// <summary>Writes findings, proposals, plans, reports and applications.</summary>
    Reporter,
    /// <summary>Also reviews (复核), evaluates and signs off.</summary>
    Reviewer,
    /// <summary>The county Party committee: also approves (审定).</summary>
    Approver,
    /// <summary>Also edits the registry and, at the region's root, the reference catalogues.</summary>
    Admin,
}

public static class Roles
{
    public static bool TryParse(string? text, out Role role)
    {
        (var ok, role) = text switch
        {
            "viewer" => (true, Role.Viewer),
            "reporter" => (true, Role.Reporter),
            "reviewer" => (true, Role.Reviewer),
            "approver" => (true, Role.Approver),
            "admin" => (true, Role.Admin),
            _ => (false, Role.Viewer),
        };
        return ok;
    }

    public static string ToWire(this Role role) => role.ToString().ToLowerInvariant();

    /// <summary>Secretaries' contacts are personal data: the access policy gives them to those who follow cases up (reviewers and above).</summary>
    public static bool SeesPersonalData(this Role role) =>
        Security.AccessPolicy.Allows(role, Security.Relation.Same, Security.AccessAction.ReadPersonalData);
}
