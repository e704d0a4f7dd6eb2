namespace Rectification.Cases;

/// <summary>Where a grassroots organization stands in the campaign.</summary>
public enum CaseStatus
{
    /// <summary>Not under consideration.</summary>
    Normal,
    /// <summary>Findings recorded in screening (摸底排查), not yet proposed.</summary>
    Screened,
    /// <summary>Proposed by the township (初评).</summary>
    Proposed,
    /// <summary>Confirmed by the county's review (复核).</summary>
    Reviewed,
    /// <summary>Approved by the county committee (审定): in the ledger, being rectified.</summary>
    Open,
    /// <summary>The township applied for sign-off (申请销号).</summary>
    AcceptanceRequested,
    /// <summary>Checked and signed off (销号).</summary>
    SignedOff,
    /// <summary>Rejected at review or approval.</summary>
    Rejected,
}

public enum ProblemStatus { Open, Resolved, Closed, Archived }

/// <summary>Where a finding came from; <c>ScreeningSuggestion</c> is a suggestion of the campaign sweep a township accepted (docs/campaign.md).</summary>
public enum FindingSource { SelfCheck, PublicEvaluation, FieldInvestigation, Inspection, ScreeningSuggestion }

public enum DepartmentType { PartyMass, Economic, PoliticalLegal }

public static class CaseStatuses
{
    /// <summary>In the ledger: counted as an active case.</summary>
    public static bool IsActive(this CaseStatus s) => s is CaseStatus.Open or CaseStatus.AcceptanceRequested;
}
