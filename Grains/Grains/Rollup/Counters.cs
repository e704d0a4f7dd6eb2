using Rectification.Rollup;

namespace Rectification.Rollup;

/// <summary>A mutable sum of digests: add a child's digest, take an old one away, read the total.</summary>
public sealed class Counters : ICounterSink
{
    private readonly Dictionary<string, Dictionary<int, long>> _values = [];

    public IReadOnlyDictionary<string, Dictionary<int, long>> Values => _values;

    public void Add(string counter, int day, long delta)
    {
        if (delta == 0) return;
        if (!_values.TryGetValue(counter, out var days)) _values[counter] = days = [];
        var value = days.GetValueOrDefault(day) + delta;
        if (value == 0)
        {
            days.Remove(day);
            if (days.Count == 0) _values.Remove(counter);
        }
        else
        {
            days[day] = value;
        }
    }

    public void Add(Digest digest, int sign = 1)
    {
        foreach (var (counter, days) in digest.Counters)
            foreach (var (day, delta) in days)
                Add(counter, day, sign * delta);
    }

    public void Add(HeldDigest held, int sign = 1)
    {
        var start = 0;
        for (var c = 0; c < held.Counters.Length; c++)
        {
            for (var i = start; i < held.Ends[c]; i++) Add(held.Counters[c], held.Days[i], sign * held.Values[i]);
            start = held.Ends[c];
        }
    }

    /// <summary>
    /// The digest of a sum built only to be handed over (a case's digest): no copy, so this sum must
    /// not be used afterwards.
    /// </summary>
    public Digest Take(long version) => new(version, _values);

    /// <summary>A snapshot that shares nothing with this mutable sum.</summary>
    public Digest ToDigest(long version) =>
        new(version, _values.ToDictionary(kv => kv.Key, kv => new Dictionary<int, long>(kv.Value)));
}
