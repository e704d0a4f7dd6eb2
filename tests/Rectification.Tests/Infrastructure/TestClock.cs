using Rectification.Periods;

namespace Rectification.Tests.Infrastructure;

/// <summary>A business clock tests can move. Thread-safe: every silo of a test cluster shares one.</summary>
public sealed class TestClock(DateTimeOffset start) : ReportingClock
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);
}
