namespace Rectification.Rollup;

/// <summary>Timing of the roll-up, configured under "Rollup".</summary>
public sealed class RollupOptions
{
    /// <summary>A silo gathers its villages' digests this long and sends each township's together (DigestOutbox).</summary>
    public int OutboxMilliseconds { get; set; } = 20;
    /// <summary>Child changes within this window produce one upward publish.</summary>
    public int CoalesceMilliseconds { get; set; } = 200;
    /// <summary>How often an active parent compares its children's versions with what it holds.</summary>
    public int ReconcileSeconds { get; set; } = 60;
    /// <summary>The reminder that wakes parents to reconcile after a crash (at least one minute).</summary>
    public int ReminderMinutes { get; set; } = 5;
    /// <summary>Parents persist lazily: this long after the first change not yet written, and on deactivation.</summary>
    public int PersistSeconds { get; set; } = 30;
}
