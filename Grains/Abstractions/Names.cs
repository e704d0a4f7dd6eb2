namespace Rectification;

/// <summary>Provider, storage and stream names shared by silos, clients and tests.</summary>
public static class Names
{
    public const string ClusterId = "rectification";
    public const string ServiceId = "rectification";
    public const string Invariant = "Npgsql";

    /// <summary>Grain storage for cases (village grains): the acknowledgement path.</summary>
    public const string CaseStorage = "cases";
    /// <summary>The village grain's persistent state name: <c>graintypestring</c> of its stored row.</summary>
    public const string CaseState = "case";
    /// <summary>Grain storage for area grains and township duties.</summary>
    public const string AreaStorage = "areas";

    /// <summary>The memory stream provider that carries summaries up the hierarchy.</summary>
    public const string RollupStreams = "rollup";
    /// <summary>Stream namespace: a stream keyed by a parent's code carries its children's summaries.</summary>
    public const string SummaryNamespace = "summary";
}
