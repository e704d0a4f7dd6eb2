using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Rectification.Tests.Infrastructure;

/// <summary>Reads downloaded forms back as a user's spreadsheet program would: csv with CsvHelper, xlsx with MiniExcel.</summary>
public static class FormFiles
{
    public static List<string[]> CsvRows(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvHelper.CsvParser(reader, CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (csv.Read()) rows.Add(csv.Record!);
        return rows;
    }

    /// <summary>Every row of the first sheet as text cells (empty for none), from row 1.</summary>
    public static List<string[]> XlsxRows(byte[] file) =>
        MiniExcelLibs.MiniExcel.Query(new MemoryStream(file), useHeaderRow: false, excelType: MiniExcelLibs.ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>()
            .Select(r => r.Values.Select(v => v switch
            {
                null => "",
                double d => d.ToString(CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            }).ToArray())
            .ToList();

    /// <summary>The rows frozen at the top of the first sheet (its pane's ySplit), read from the package's XML.</summary>
    public static int FrozenRows(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file));
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var xml = reader.ReadToEnd();
        var at = xml.IndexOf("ySplit=\"", StringComparison.Ordinal);
        return at < 0 ? 0 : int.Parse(xml[(at + 8)..xml.IndexOf('"', at + 8)], CultureInfo.InvariantCulture);
    }

    /// <summary>The widths the sheet sets for its columns.</summary>
    public static List<double> ColumnWidths(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file));
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var doc = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        return doc.Descendants().Where(e => e.Name.LocalName == "col").Select(e => double.Parse((string)e.Attribute("width")!, CultureInfo.InvariantCulture)).ToList();
    }
}
