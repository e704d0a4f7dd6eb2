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

    public static HeldDigest Empty { get; } = new(0, true, [], [], [], []);

    /// <summary>The one shared copy of a counter's name.</summary>
    public static string Shared(string counter) => Names.GetOrAdd(counter, counter);

    /// <summary>
    /// This digest with the shared copies of its counters' names. One read off the stream or from storage
    /// has names of its own, about 1.5 KB for a new case's 30 counters; a parent keeping it for each of
    /// its children would hold them all.
    /// </summary>
    public HeldDigest WithSharedNames()
    {
        string[]? names = null;
        for (var c = 0; c < Counters.Length; c++)
        {
            var shared = Shared(Counters[c]);
            if (ReferenceEquals(shared, Counters[c])) continue;
            names ??= (string[])Counters.Clone();
            names[c] = shared;
        }
        return names is null ? this : this with { Counters = names };
    }

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

    /// <summary>
    /// The counters as JSON text in the nested shape (<c>{"counter": {"day": value}}</c>), the way
    /// the read model keeps a case's digest, written straight from the arrays.
    /// </summary>
    public string ToJson()
    {
        // A buffer and a writer per thread, reused: the text is written synchronously, start to end.
        var (buffer, writer) = _text ??= (new System.Buffers.ArrayBufferWriter<byte>(4096), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        WriteCounters(writer);
        writer.Flush();
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [ThreadStatic] private static (System.Buffers.ArrayBufferWriter<byte>, Utf8JsonWriter)? _text;

    private void WriteCounters(Utf8JsonWriter writer)
    {
        Span<byte> day = stackalloc byte[12];
        writer.WriteStartObject();
        var start = 0;
        for (var c = 0; c < Counters.Length; c++)
        {
            writer.WriteStartObject(Counters[c]);
            for (var i = start; i < Ends[c]; i++)
            {
                System.Buffers.Text.Utf8Formatter.TryFormat(Days[i], day, out var n);
                writer.WriteNumber(day[..n], Values[i]);
            }
            writer.WriteEndObject();
            start = Ends[c];
        }
        writer.WriteEndObject();
    }

    private sealed class HeldDigestJson : JsonConverter<HeldDigest>
    {
        public override HeldDigest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Of(JsonSerializer.Deserialize<Digest>(ref reader, options) ?? throw new JsonException("A held digest is null."));

        public override void Write(Utf8JsonWriter writer, HeldDigest value, JsonSerializerOptions options)
        {
            // A digest's shape, written from the arrays: version, counters, settled.
            writer.WriteStartObject();
            writer.WriteNumber(Name(options, nameof(Digest.Version)), value.Version);
            writer.WritePropertyName(Name(options, nameof(Digest.Counters)));
            value.WriteCounters(writer);
            writer.WriteBoolean(Name(options, nameof(Digest.Settled)), value.Settled);
            writer.WriteEndObject();
        }

        private static string Name(JsonSerializerOptions options, string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
    }
}
