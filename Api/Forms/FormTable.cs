namespace Rectification.Api.Forms;

/// <summary>One column of a printed form: its key in JSON, its Chinese header, its width in Excel characters.</summary>
public sealed record FormColumn(string Key, string Header, double Width);

/// <summary>
/// A form as the organization departments send it upward: the official title, the 填报单位 / 填表时间
/// line, Chinese headers and rows. The same table is answered as JSON, CSV or XLSX.
/// </summary>
public sealed record FormTable(string Title, string FileName, string Unit, string? CategoryLine, DateOnly FilledOn,
    IReadOnlyList<FormColumn> Columns, IEnumerable<object?[]> Rows)
{
    /// <summary>The line under the title, as the seed's attachments lay it out.</summary>
    public string InfoLine => CategoryLine is null
        ? $"填报单位：{Unit}　　填表时间：{FilledOn:yyyy年M月d日}"
        : $"填报单位：{Unit}　　党组织类别：{CategoryLine}　　填表时间：{FilledOn:yyyy年M月d日}";
}
