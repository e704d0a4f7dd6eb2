using System.Globalization;
using System.Text;
using CsvHelper;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Rectification.Api.Forms;

/// <summary>
/// Writes a form as CSV (CsvHelper; UTF-8 with a byte-order mark so Excel reads the Chinese; the header
/// row and the rows, for machines) or XLSX (MiniExcel; the title and 填报单位 lines above a frozen header
/// row, columns at set widths, for printing). Rows are written as they come: a 14,592-row ledger is
/// never held as one table.
/// </summary>
public static class FormWriter
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static async Task WriteCsvAsync(HttpResponse response, FormTable form)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = Disposition(form.FileName + ".csv");
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var c in form.Columns) csv.WriteField(c.Header);
        await csv.NextRecordAsync();
        foreach (var row in form.Rows)
        {
            foreach (var cell in row) csv.WriteField(Text(cell));
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    public static async Task WriteXlsxAsync(HttpResponse response, FormTable form)
    {
        // The xlsx package is a zip whose directory comes last: it is built in a temporary file, then sent.
        var path = Path.Combine(Path.GetTempPath(), $"form-{Guid.NewGuid():N}.xlsx");
        try
        {
            var config = new OpenXmlConfiguration
            {
                FreezeRowCount = 3,
                EnableAutoWidth = false,
                DynamicColumns = form.Columns.Select((c, i) => new DynamicExcelColumn(Key(i)) { Width = c.Width }).ToArray(),
            };
            await MiniExcel.SaveAsAsync(path, Sheet(form), printHeader: false, sheetName: "Sheet1", excelType: ExcelType.XLSX, configuration: config);
            response.ContentType = XlsxType;
            response.Headers.ContentDisposition = Disposition(form.FileName + ".xlsx");
            await using var file = File.OpenRead(path);
            response.ContentLength = file.Length;
            await file.CopyToAsync(response.Body);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Title, the 填报单位 line, the headers, then the rows: each a row of cells keyed by column.</summary>
    private static IEnumerable<Dictionary<string, object?>> Sheet(FormTable form)
    {
        var width = form.Columns.Count;
        Dictionary<string, object?> Line(IReadOnlyList<object?> cells)
        {
            var d = new Dictionary<string, object?>(width);
            for (var i = 0; i < width; i++) d[Key(i)] = i < cells.Count ? cells[i] : null;
            return d;
        }
        yield return Line([form.Title]);
        yield return Line([form.InfoLine]);
        yield return Line(form.Columns.Select(c => (object?)c.Header).ToList());
        foreach (var row in form.Rows) yield return Line(row.Select(Cell).ToList());
    }

    private static string Key(int i) => $"c{i}";

    /// <summary>Numbers stay numbers in a sheet; dates and flags are written as people read them.</summary>
    private static object? Cell(object? value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "是" : "否",
        _ => value,
    };

    private static string Text(object? value) => Cell(value) switch
    {
        null => "",
        // A text cell that a spreadsheet would run as a formula (CSV injection) is written as text.
        string t when t.Length > 0 && t[0] is '=' or '+' or '-' or '@' or '\t' or '\r' => "'" + t,
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    private static string Disposition(string fileName) =>
        $"attachment; filename=\"form.{fileName.Split('.')[^1]}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
}
