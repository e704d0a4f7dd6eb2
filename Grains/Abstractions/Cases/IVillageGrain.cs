namespace Rectification.Cases;

/// <summary>
/// One grassroots organization's case, keyed by its 12-digit code. Every accepted command is durable
/// in PostgreSQL before the call returns.
/// </summary>
[Alias("IVillageGrain")]
public interface IVillageGrain : IGrainWithStringKey
{
    [Alias("Execute")]
    Task<CaseResult> ExecuteAsync(CaseCommand command, Actor actor, CommandConditions conditions);

    /// <summary>What the command would do now, without doing it (an import's dry run).</summary>
    [Alias("Preview"), Orleans.Concurrency.ReadOnly]
    Task<CaseResult> PreviewAsync(CaseCommand command, Actor actor);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<CaseState> GetAsync();

    /// <summary>This case's roll-up digest, for the township's reconciliation.</summary>
    [Alias("GetDigest"), Orleans.Concurrency.ReadOnly]
    Task<Rollup.Digest> GetDigestAsync();

    /// <summary>Re-projects the read model and re-publishes the digest if the read model is behind the stored case.</summary>
    [Alias("RepairReadModel")]
    Task RepairReadModelAsync();

    /// <summary>This organization moved: reload the registry and publish the digest to the new parent.</summary>
    [Alias("RegistryChanged")]
    Task RegistryChangedAsync();

    [Alias("GetSummary"), Orleans.Concurrency.ReadOnly]
    Task<Rollup.SummaryResult> GetSummaryAsync(Periods.Period period);
}
