using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rectification.Periods;

/// <summary>Periods travel and are stored as their text form: 2026-10, 2026-Q4, 2026-10-H1.</summary>
public sealed class PeriodJsonConverter : JsonConverter<Period>
{
    public override Period Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Period.TryParse(reader.GetString(), out var p) ? p : throw new JsonException("Not a period (2026-10, 2026-Q4, 2026-10-H1).");

    public override void Write(Utf8JsonWriter writer, Period value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
