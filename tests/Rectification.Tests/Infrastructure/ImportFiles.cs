using System.Net.Http.Headers;
using System.Text;

namespace Rectification.Tests.Infrastructure;

/// <summary>Builds csv and xlsx files the way a user's spreadsheet would, and uploads them.</summary>
public static class ImportFiles
{
    public static byte[] Csv(string[] headers, IEnumerable<string?[]> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', headers.Select(Quote)));
        foreach (var row in rows) text.AppendLine(string.Join(',', row.Select(Quote)));
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] Xlsx(string[] headers, IEnumerable<string?[]> rows)
    {
        var sheet = rows.Select(r => headers.Select((h, i) => (h, v: i < r.Length ? r[i] : null)).ToDictionary(x => x.h, x => (object?)x.v));
        using var stream = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(stream, sheet.ToList());
        return stream.ToArray();
    }

    public static Task<HttpResponseMessage> Upload(this HttpClient client, string url, byte[] file, string fileName, string? idempotencyKey = null,
        string? accept = null)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx")
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        form.Add(content, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return client.SendAsync(request);
    }

    private static string Quote(string? s) => s is null ? "" : s.Contains(',') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
