namespace Rectification.Api.Forms;

/// <summary>Answers a form as a CSV or XLSX download, written straight to the response.</summary>
public sealed class FormResult(FormTable form, string format) : IResult
{
    public Task ExecuteAsync(HttpContext http) =>
        format == "xlsx" ? FormWriter.WriteXlsxAsync(http.Response, form) : FormWriter.WriteCsvAsync(http.Response, form);
}
