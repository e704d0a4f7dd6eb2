using System.Text;
using System.Text.Json;
using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Forms;
using Rectification.Api.Setup;

namespace Rectification.Api.Imports;

/// <summary>
/// Imports: POST /units/import (profiles and new organizations) and POST /cases/import (cases kept
/// elsewhere) take a csv or xlsx file (multipart field <c>file</c>, or the file as the body), check every
/// row, and apply all of them or none; <c>dryRun=true</c> only checks. Rejected rows make a 422 whose
/// problem details carry the per-row report. With <c>Accept: application/x-ndjson</c> the answer streams
/// progress lines and ends with the report. Templates: GET .../import/template?format=xlsx|csv.
/// </summary>
public static class ImportsApi
{
    public static void MapImports(this RouteGroupBuilder v1)
    {
        Document(v1.MapPost("/units/import", ImportUnits), "Import unit profiles and new organizations from csv or xlsx (admin); all rows or none.",
            UnitImport.Columns);
        Document(v1.MapPost("/cases/import", ImportCases), "Import the cases a region already keeps, from csv or xlsx (admin of a banner or above); all rows or none.",
            CaseImport.Columns);
        v1.MapGet("/units/import/template", (string? format) => Template("单位导入模板", UnitImport.Columns, format, UnitExample)).WithTags("Imports")
            .RequireAccess(AccessAction.Read, AccessTarget.Caller)
            .WithSummary("The units import's template, with one example row.").WithEnum("format", "xlsx", "csv")
            .Produces<byte[]>(StatusCodes.Status200OK, FormWriter.XlsxType, "text/csv");
        v1.MapGet("/cases/import/template", (string? format) => Template("整顿对象导入模板", CaseImport.Columns, format, CaseExample)).WithTags("Imports")
            .RequireAccess(AccessAction.Read, AccessTarget.Caller)
            .WithSummary("The cases import's template, with one example row.").WithEnum("format", "xlsx", "csv")
            .Produces<byte[]>(StatusCodes.Status200OK, FormWriter.XlsxType, "text/csv");
    }

    private static void Document(RouteHandlerBuilder route, string summary, ImportColumn[] columns) => route
        .RequireAccess(AccessAction.Administer, AccessTarget.Caller)
        .WithTags("Imports").DisableAntiforgery()
        .WithSummary(summary)
        .WithDescription("The file as multipart/form-data (field 'file') or as the body (text/csv or the xlsx type; X-File-Name names it). "
            + $"Columns (Chinese header or key): {string.Join(", ", columns.Select(c => $"{c.Header} ({c.Key})"))}. "
            + "dryRun=true checks every row and applies nothing. Any rejected row: 422, nothing applied, each row's reasons in rows. "
            + "The same file again: every row unchanged. Accept: application/x-ndjson streams progress lines ({phase, processed, total}) and ends with {phase: done, status, report}. "
            + "Idempotency-Key replays the first answer.")
        .Accepts<IFormFile>("multipart/form-data", "text/csv", FormWriter.XlsxType)
        .Produces<ImportReport>().Produces<ImportReport>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")
        .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static readonly object?[] UnitExample =
        ["150102001099", "某某公司党支部", "village", "150102001000", "nonPublicEnterprise", "branch", "12", "张三", "13800000000", "2021-07-01", "2026-07-01", "否", "", ""];

    private static readonly object?[] CaseExample =
        ["150102001002", "open", "C1;C5", "L1", "2026-03-01", "班子配备不齐", "C1", "选配书记；补齐委员", "配齐班子", "2026-12-31", "乡党委",
         "李四", "县委组织部工作组", "县委组织部", "partyMass", "王五", "2026-03-15"];

    private static IResult Template(string title, ImportColumn[] columns, string? format, object?[] example)
    {
        if (format is not (null or "xlsx" or "csv")) return Problems.Validation("format", "xlsx or csv.");
        var form = new FormTable(title, title, "", null, DateOnly.FromDateTime(DateTime.UtcNow), columns.Select(c => new FormColumn(c.Key, c.Header, 16)).ToList(), [example]);
        return new TemplateResult(form, format ?? "xlsx");
    }

    /// <summary>An import template has the header row first (no title lines), so it reads back as a file to import.</summary>
    private sealed class TemplateResult(FormTable form, string format) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            if (format == "csv")
            {
                await FormWriter.WriteCsvAsync(http.Response, form);
                return;
            }
            var path = Path.Combine(Path.GetTempPath(), $"template-{Guid.NewGuid():N}.xlsx");
            try
            {
                var rows = form.Rows.Select(r => form.Columns.Select((c, i) => (c.Header, Value: r[i])).ToDictionary(x => x.Header, x => x.Value));
                await MiniExcelLibs.MiniExcel.SaveAsAsync(path, rows, configuration: new MiniExcelLibs.OpenXml.OpenXmlConfiguration { FreezeRowCount = 1 });
                http.Response.ContentType = FormWriter.XlsxType;
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{Uri.EscapeDataString(form.FileName + ".xlsx")}";
                await http.Response.SendFileAsync(path);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static async Task<IResult> ImportUnits(HttpContext http, bool? dryRun, Access access, UnitImport import, IdempotentAnswers idempotency, IConfiguration config)
    {
        return await RunAsync(http, dryRun ?? false, UnitImport.Columns, idempotency, config,
            (rows, name, _) => import.RunAsync(rows, name, dryRun ?? false, access.Caller));
    }

    private static async Task<IResult> ImportCases(HttpContext http, bool? dryRun, Access access, CaseImport import, IdempotentAnswers idempotency, IConfiguration config)
    {
        return await RunAsync(http, dryRun ?? false, CaseImport.Columns, idempotency, config,
            (rows, name, progress) => import.RunAsync(rows, name, dryRun ?? false, access.Caller, progress));
    }

    private static async Task<IResult> RunAsync(HttpContext http, bool dryRun, ImportColumn[] columns, IdempotentAnswers idempotency, IConfiguration config,
        Func<IReadOnlyList<ImportRow>, string?, Func<string, int, int, Task>?, Task<ImportReport>> run)
    {
        var limit = config.GetValue("Limits:MaxImportBytes", 16 * 1024 * 1024);
        var (content, name, problem) = await ReadUploadAsync(http, limit);
        if (content is null) return problem!;
        var parsed = ImportFile.Read(content, columns);
        if (parsed.Error is not null) return Problems.Validation("file", parsed.Error);
        if (parsed.Rows.Count == 0) return Problems.Validation("file", "The file has no rows under its header.");

        if (idempotency.TryRead(http, $"dryRun={dryRun}\n{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))}", out var key) is { } badKey) return badKey;
        if (await idempotency.ReplayAsync(key) is { } replay) return replay;

        var streaming = http.Request.Headers.Accept.ToString().Contains("application/x-ndjson", StringComparison.Ordinal);
        if (!streaming)
        {
            var report = await run(parsed.Rows, name, null);
            var status = report.HasRejections ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
            var answer = Answer(report);
            if (!dryRun) await idempotency.RememberAsync(key, status, answer);
            return status == StatusCodes.Status200OK ? TypedResults.Ok(answer) : TypedResults.Json(answer, statusCode: status, contentType: "application/problem+json");
        }

        // Progress as it happens, one JSON object per line; the last line is the report.
        http.Response.ContentType = "application/x-ndjson";
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var gate = new SemaphoreSlim(1, 1);
        async Task Line(object value)
        {
            await gate.WaitAsync();
            try
            {
                await http.Response.WriteAsync(JsonSerializer.Serialize(value, json) + "\n");
                await http.Response.Body.FlushAsync();
            }
            finally
            {
                gate.Release();
            }
        }
        await Line(new { phase = "reading", processed = parsed.Rows.Count, total = parsed.Rows.Count });
        var final = await run(parsed.Rows, name, (phase, processed, total) => Line(new { phase, processed, total }));
        var finalAnswer = Answer(final);
        if (!dryRun) await idempotency.RememberAsync(key, final.HasRejections ? 422 : 200, finalAnswer);
        await Line(new { phase = "done", status = final.HasRejections ? 422 : 200, report = finalAnswer });
        return Results.Empty;
    }

    /// <summary>The report, as problem details when rows were rejected (nothing was applied).</summary>
    private static Dictionary<string, object?> Answer(ImportReport report)
    {
        var answer = new Dictionary<string, object?>
        {
            ["kind"] = report.Kind, ["file"] = report.File, ["dryRun"] = report.DryRun, ["applied"] = report.Applied,
            ["counts"] = report.Counts, ["rows"] = report.Rows,
        };
        if (report.HasRejections)
        {
            answer["type"] = "https://tools.ietf.org/html/rfc4918#section-11.2";
            answer["title"] = report.Applied ? "Some cases changed while the import ran and were not imported." : "Rows were rejected; nothing was applied.";
            answer["status"] = 422;
            answer["detail"] = $"{report.Counts["rejected"]} of {report.Rows.Count} rows rejected; each row's reasons are in rows.";
        }
        return answer;
    }

    private static async Task<(byte[]? Content, string? Name, IResult? Problem)> ReadUploadAsync(HttpContext http, int limit)
    {
        Stream body;
        string? name = null;
        if (http.Request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await http.Request.ReadFormAsync();
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
            {
                return (null, null, Problems.Validation("file", "A multipart form with the file in the field 'file'."));
            }
            var file = form.Files["file"] ?? form.Files.FirstOrDefault();
            if (file is null) return (null, null, Problems.Validation("file", "A multipart form with the file in the field 'file'."));
            if (file.Length > limit) return (null, null, TooLarge(limit));
            body = file.OpenReadStream();
            name = Path.GetFileName(file.FileName);
        }
        else
        {
            body = http.Request.Body;
            name = http.Request.Headers["X-File-Name"].ToString() is { Length: > 0 } n ? Path.GetFileName(n) : null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > limit) return (null, null, TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return (null, null, Problems.Validation("file", "The upload is empty."));
        return (buffer.ToArray(), name is { Length: > 200 } ? name[..200] : name, null);
    }

    private static IResult TooLarge(int limit) =>
        TypedResults.Problem($"An import file is at most {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large.");
}
