using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rectification.Rollup;

/// <summary>
/// A child's digest as its parent holds it until a newer one replaces it: the same figures, flat. A
/// digest's nested dictionaries cost about 300 bytes a counter (6.5 KB for a new case's 21 counters), and
/// a township holds one for each of its villages: that was the larger part of what an active village
/// costs (docs/scaling.md). Three flat arrays, with counter names shared by every holder, take about
/// 20 bytes a figure. Stored as JSON in exactly a digest's shape, so area states written before read back.
/// </summary>
[GenerateSerializer, Immutable, Alias("HeldDigest")]
[JsonConverter(typeof(HeldDigestJson))]
public sealed record HeldDigest(
    [property: Id(0)] long Version,
    [property: Id(1)] bool Settled,
    [property: Id(2)] string[] Counters,
    [property: Id(3)] int[] Days,
    [property: Id(4)] long[] Values)
{
    // Counter names are few (statuses, criteria, categories, one per month for some): one copy of each.
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    public static HeldDigest Of(Digest digest)
    {
        var n = digest.Counters.Sum(c => c.Value.Count);
        var (counters, days, values) = (new string[n], new int[n], new long[n]);
        var i = 0;
        foreach (var (counter, byDay) in digest.Counters)
        {
            var name = Names.GetOrAdd(counter, counter);
            foreach (var (day, value) in byDay)
            {
                (counters[i], days[i], values[i]) = (name, day, value);
                i++;
            }
        }
        return new HeldDigest(digest.Version, digest.Settled, counters, days, values);
    }

    public Digest ToDigest()
    {
        var counters = new Dictionary<string, Dictionary<int, long>>();
        for (var i = 0; i < Counters.Length; i++)
        {
            if (!counters.TryGetValue(Counters[i], out var byDay)) counters[Counters[i]] = byDay = [];
            byDay[Days[i]] = Values[i];
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
