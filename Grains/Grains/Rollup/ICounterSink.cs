namespace Rectification.Rollup;

/// <summary>Where a digest's counters are added: a running sum (<see cref="Counters"/>) or a case's digest being built (<see cref="DigestSum"/>).</summary>
public interface ICounterSink
{
    void Add(string counter, int day, long delta);
}
