namespace Rectification.Rollup;

/// <summary>
/// A case's digest while it is built: each addition is one entry in a list, and the entries are summed
/// once at the end, sorted by counter and day, straight into the flat form parents hold and the stream
/// carries (<see cref="HeldDigest"/>). Building it in <see cref="Counters"/> took a dictionary per
/// counter, a hash of the counter's name per addition, and a conversion to the flat form after: about a
/// tenth of what the silo allocated per report (docs/benchmarks.md, session 10). The figures are the
/// same: a day whose additions sum to nothing is left out, and so is a counter left with no day.
/// </summary>
public sealed class DigestSum : ICounterSink
{
    // One buffer per thread, reused: a digest is built synchronously, start to end, on one thread.
    [ThreadStatic] private static List<(string Counter, int Day, long Delta)>? _buffer;

    private readonly List<(string Counter, int Day, long Delta)> _entries;

    private DigestSum(List<(string, int, long)> entries) => _entries = entries;

    /// <summary>Starts a digest; <see cref="ToHeld"/> ends it, and this sum may not be used after.</summary>
    public static DigestSum Start()
    {
        var entries = _buffer ?? new List<(string, int, long)>(128);
        _buffer = null;
        entries.Clear();
        return new DigestSum(entries);
    }

    public void Add(string counter, int day, long delta)
    {
        if (delta != 0) _entries.Add((counter, day, delta));
    }

    public HeldDigest ToHeld(long version, bool settled = true)
    {
        var entries = _entries;
        entries.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Counter, b.Counter);
            return byName != 0 ? byName : a.Day.CompareTo(b.Day);
        });

        // Sum each (counter, day) in place: entries[..kept] become the non-zero sums, in order.
        var kept = 0;
        for (var i = 0; i < entries.Count;)
        {
            var (counter, day, sum) = entries[i];
            var j = i + 1;
            for (; j < entries.Count && entries[j].Day == day && string.Equals(entries[j].Counter, counter, StringComparison.Ordinal); j++) sum += entries[j].Delta;
            if (sum != 0) entries[kept++] = (counter, day, sum);
            i = j;
        }

        var counters = 0;
        for (var i = 0; i < kept; i++)
        {
            if (i == 0 || !string.Equals(entries[i].Counter, entries[i - 1].Counter, StringComparison.Ordinal)) counters++;
        }
        var (names, ends, days, values) = (new string[counters], new int[counters], new int[kept], new long[kept]);
        var c = -1;
        for (var i = 0; i < kept; i++)
        {
            if (i == 0 || !string.Equals(entries[i].Counter, entries[i - 1].Counter, StringComparison.Ordinal)) names[++c] = HeldDigest.Shared(entries[i].Counter);
            (days[i], values[i]) = (entries[i].Day, entries[i].Delta);
            ends[c] = i + 1;
        }
        entries.Clear();
        _buffer = entries;
        return new HeldDigest(version, settled, names, days, values, ends);
    }
}
