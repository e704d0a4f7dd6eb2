using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rectification.Rollup;

/// <summary>
/// A child's digest as its parent holds it until a newer one replaces it, and as it travels on the
/// roll-up stream: the same figures, flat. A digest's nested dictionaries cost about 300 bytes a
/// counter (6.5 KB for a new case's 21 counters), and a township holds one for each of its villages:
/// that was the larger part of what an active village costs (docs/scaling.md). Here each counter is a
/// name (one shared copy) and where its figures end; the figures are two arrays of days and values,
/// about 12 bytes each. Stored as JSON in exactly a digest's shape, so area states written before read back.
/// </summary>
[GenerateSerializer, Immutable, Alias("HeldDigest")]
[JsonConverter(typeof(HeldDigestJson))]
public sealed record HeldDigest(
    [property: Id(0)] long Version,
    [property: Id(1)] bool Settled,
    [property: Id(2)] string[] Counters,
    [property: Id(3)] int[] Days,
    [property: Id(4)] long[] Values,
    [property: Id(5)] int[] Ends)
{
    // Counter names are few (statuses, criteria, categories, one per month for some): one copy of each.
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    public static HeldDigest Of(Digest digest) => Of(digest.Counters, digest.Version, digest.Settled);

    /// <summary>A flat copy of counters as they stand (a digest's, or a parent's running total).</summary>
    public static HeldDigest Of(IReadOnlyDictionary<string, Dictionary<int, long>> figures, long version, bool settled)
    {
        var n = 0;
        foreach (var byDay in figures.Values) n += byDay.Count;
        var (counters, ends, days, values) = (new string[figures.Count], new int[figures.Count], new int[n], new long[n]);
        var (c, i) = (0, 0);
        foreach (var (counter, byDay) in figures)
        {
            counters[c] = Names.GetOrAdd(counter, counter);
            foreach (var (day, value) in byDay)
            {
                (days[i], values[i]) = (day, value);
                i++;
            }
            ends[c++] = i;
        }
        return new HeldDigest(version, settled, counters, days, values, ends);
    }

    public Digest ToDigest()
    {
        var counters = new Dictionary<string, Dictionary<int, long>>(Counters.Length);
        var start = 0;
        for (var c = 0; c < Counters.Length; c++)
        {
            var byDay = new Dictionary<int, long>(Ends[c] - start);
            for (var i = start; i < Ends[c]; i++) byDay[Days[i]] = Values[i];
            counters[Counters[c]] = byDay;
            start = Ends[c];
        }
        return new Digest(Version, counters, Settled);
    }

    private sealed class HeldDigestJson : JsonConverter<HeldDigest>
    {
        public override HeldDigest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Of(JsonSerializer.Deserialize<Digest>(ref reader, options) ?? throw new JsonException("A held digest is null."));

        public override void Write(Utf8JsonWriter writer, HeldDigest value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToDigest(), options);
    }
}
