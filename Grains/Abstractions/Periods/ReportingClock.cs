namespace Rectification.Periods;

/// <summary>
/// The clock that stamps receipt times and decides the calendar of periods and due dates. Separate from
/// the runtime's TimeProvider so tests can move the business date without moving Orleans' own timers.
/// </summary>
public class ReportingClock
{
    public virtual DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow;
}
