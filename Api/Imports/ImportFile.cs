using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace Rectification.Api.Imports;

/// <summary>One column of an import file: its key, the Chinese header the template carries, and other names accepted for it.</summary>
public sealed record ImportColumn(string Key, string Header, params string[] Aliases);

/// <summary>One data row of an uploaded file: its row number as a spreadsheet shows it (the header is row 1) and its cells by column key.</summary>
public sealed record ImportRow(int Row, IReadOnlyDictionary<string, string> Cells)
{
    public string? this[string key] => Cells.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
}

/// <summary>
/// Reads an uploaded csv or xlsx (told apart by content: an xlsx is a zip) into rows keyed by column,
/// with CsvHelper and MiniExcel. Headers are matched by the template's Chinese header or the column's
/// key; an unknown header is an error, so a misspelt column never silently drops its data.
/// </summary>
public static class ImportFile
{
    public sealed record Parsed(IReadOnlyList<ImportRow> Rows, string? Error);

    public static Parsed Read(byte[] content, IReadOnlyList<ImportColumn> columns)
    {
        try
        {
            var raw = content.Length >= 4 && content[0] == 'P' && content[1] == 'K' ? ReadXlsx(content) : ReadCsv(content);
            if (raw.Count == 0) return new Parsed([], "The file has no header row.");
            var keys = new List<string?>();
            var unknown = new List<string>();
            foreach (var header in raw[0])
            {
                var h = header.Trim();
                if (h.Length == 0) { keys.Add(null); continue; }
                var column = columns.FirstOrDefault(c => c.Header == h || c.Key.Equals(h, StringComparison.OrdinalIgnoreCase) || c.Aliases.Contains(h));
                if (column is null) unknown.Add(h);
                keys.Add(column?.Key);
            }
            if (unknown.Count > 0) return new Parsed([], $"Unknown column(s): {string.Join(", ", unknown.Take(10))}. The template lists the columns.");
            if (!keys.Contains("code")) return new Parsed([], "The file has no code (代码) column.");
            var rows = new List<ImportRow>();
            for (var i = 1; i < raw.Count; i++)
            {
                var cells = new Dictionary<string, string>();
                for (var j = 0; j < raw[i].Count && j < keys.Count; j++)
                {
                    if (keys[j] is { } key && raw[i][j].Trim() is { Length: > 0 } value) cells[key] = value;
                }
                if (cells.Count > 0) rows.Add(new ImportRow(i + 1, cells));
            }
            return new Parsed(rows, null);
        }
        catch (Exception ex) when (ex is CsvHelperException or InvalidDataException or IOException or FormatException or InvalidOperationException
            or System.Xml.XmlException or ArgumentException)
        {
            return new Parsed([], "The file is neither a readable csv nor a readable xlsx.");
        }
    }

    private static List<List<string>> ReadCsv(byte[] content)
    {
        using var reader = new StreamReader(new MemoryStream(content), detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
        var rows = new List<List<string>>();
        while (csv.Read()) rows.Add([.. csv.Record ?? []]);
        return rows;
    }

    private static List<List<string>> ReadXlsx(byte[] content)
    {
        var rows = new List<List<string>>();
        foreach (IDictionary<string, object?> row in MiniExcel.Query(new MemoryStream(content), useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            rows.Add(row.Values.Select(Text).ToList());
        }
        return rows;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("s", CultureInfo.InvariantCulture),
        double n => n.ToString(CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
