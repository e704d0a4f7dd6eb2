using Rectification.Areas;
using Rectification.Cases;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>
/// After a registry change commits, the roll-up follows it at once: this process reloads the tree, the
/// moved unit publishes to its new parent, the old parent drops it (its version still grows, so every
/// ancestor takes the smaller sum), and the new parent fetches it. Ancestors hear through the usual
/// publishing; any message lost is healed by reconciliation. Other processes reload within
/// <see cref="UnitRegistry.CheckEvery"/>.
/// </summary>
public sealed class UnitMoves(IGrainFactory grains, UnitRegistry registry)
{
    public sealed record Change(string Code, UnitLevel Level, string? OldParent, string? NewParent);

    public async Task ApplyAsync(IReadOnlyList<Change> changes)
    {
        await registry.RefreshAsync();
        foreach (var c in changes.Where(c => c.OldParent != c.NewParent))
        {
            if (c.Level == UnitLevel.Village) await grains.Village(c.Code).RegistryChangedAsync();
            else await grains.Area(c.Code).RegistryChangedAsync();
        }
        var parents = changes.SelectMany(c => new[] { c.OldParent, c.NewParent }).OfType<string>().Distinct().ToList();
        // Parents that lost children first, then those that gained them; each publishes upward.
        foreach (var parent in parents) await grains.Area(parent).RegistryChangedAsync();
    }
}
