using Rectification.Units;
using static Rectification.Cases.CaseStatus;

namespace Rectification.Cases;

/// <summary>
/// The case's state machine as data: for each command, the lowest role, the lowest level of the
/// caller's unit (a township proposes, a banner approves), and the states it is allowed in.
/// Portals read the allowed commands from it; the rules enforce it.
/// </summary>
public static class CaseLifecycle
{
    public sealed record Rule(string Command, Role MinRole, UnitLevel LowestLevel, CaseStatus[] From);

    private static readonly CaseStatus[] AnyStatus = Enum.GetValues<CaseStatus>();

    public static readonly IReadOnlyList<Rule> Table =
    [
        new("findings", Role.Reporter, UnitLevel.Village, AnyStatus),
        new("proposal", Role.Reporter, UnitLevel.Township, [Screened, Rejected]),
        new("review", Role.Reviewer, UnitLevel.Banner, [Proposed]),
        new("approval", Role.Approver, UnitLevel.Banner, [Reviewed]),
        new("plan", Role.Reporter, UnitLevel.Village, [Open]),
        new("assignment", Role.Reporter, UnitLevel.Township, [Open]),
        new("resolve", Role.Reporter, UnitLevel.Village, [Open]),
        // Closing (销号) a resolved problem is for a level above the one that resolved it: never the village itself.
        new("close", Role.Reporter, UnitLevel.Township, [Open]),
        new("archive", Role.Reporter, UnitLevel.Village, [Open, AcceptanceRequested, SignedOff]),
        new("report", Role.Reporter, UnitLevel.Village, [Open, AcceptanceRequested]),
        new("evaluation", Role.Reviewer, UnitLevel.Banner, [Open, AcceptanceRequested]),
        new("acceptance", Role.Reporter, UnitLevel.Township, [Open]),
        new("acceptanceDecision", Role.Reviewer, UnitLevel.Banner, [AcceptanceRequested]),
        new("relapse", Role.Reviewer, UnitLevel.Banner, [SignedOff]),
        // The campaign's work around the plan (issue #12), while the case is in the ledger. Pairs are made
        // and ended, targets set and secretaries acted on by the township (乡镇党委) or above; a village
        // records its trainings, the support it received and its activity plans; accountability is a
        // decision (reviewer) of a township or above. A pair can still be ended after sign-off.
        new("pairing", Role.Reporter, UnitLevel.Township, [Open, AcceptanceRequested]),
        new("pairingSupport", Role.Reporter, UnitLevel.Village, [Open, AcceptanceRequested]),
        new("pairingEnd", Role.Reporter, UnitLevel.Township, [Open, AcceptanceRequested, SignedOff]),
        new("memberTargets", Role.Reporter, UnitLevel.Township, [Open, AcceptanceRequested]),
        new("training", Role.Reporter, UnitLevel.Village, [Open, AcceptanceRequested]),
        new("secretaryAction", Role.Reporter, UnitLevel.Township, [Open, AcceptanceRequested]),
        new("accountability", Role.Reviewer, UnitLevel.Township, [Open, AcceptanceRequested, SignedOff]),
        new("activityPlan", Role.Reporter, UnitLevel.Village, [Open, AcceptanceRequested]),
        // Bringing in a case kept elsewhere: an admin of a banner or above, only for a case not yet under way here.
        new("import", Role.Admin, UnitLevel.Banner, [Normal, Screened, Rejected]),
    ];

    public static string[] AllowedIn(CaseStatus status) =>
        Table.Where(r => r.From.Contains(status)).Select(r => r.Command).ToArray();

    /// <summary>
    /// What one person may take now: the commands the case's status allows, that the role and the unit's
    /// level may issue, less those separation of duties keeps from whoever proposed, reviewed or applied
    /// (a portal offers exactly these; the rules still decide).
    /// </summary>
    public static string[] CommandsFor(CaseState s, string sub, Role role, UnitLevel level) =>
        Table.Where(r => r.From.Contains(s.Status) && role >= r.MinRole && level <= r.LowestLevel)
            .Select(r => r.Command)
            .Where(c => c switch
            {
                "review" => sub != s.ProposedBy,
                "approval" => sub != s.ProposedBy && sub != s.ReviewedBy,
                "acceptanceDecision" => sub != s.Acceptance?.AppliedBy,
                _ => true,
            })
            .ToArray();

    public static string ToWire(this CaseStatus status) =>
        char.ToLowerInvariant(status.ToString()[0]) + status.ToString()[1..];
}
