using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rectification.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Rectification.Tests.Api;

/// <summary>
/// A generated corpus of hostile requests over every route of the OpenAPI document: malformed and
/// deeply nested JSON, wrong types, huge and negative numbers, 100 KB strings, control and odd Unicode
/// characters, SQL and path metacharacters, encoded slashes, invalid codes and periods, absurd ranges,
/// garbage cursors, oversized bodies, long headers. Every answer is below 500, every refusal is a
/// problem detail with no exception text, and the database is as it was.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fx, ITestOutputHelper output)
{
    private const string Region = "150000000000", Township = "150104001000", Village = "150104001001";
    private static readonly string Huge = new('A', 100_000);

    private static readonly string[] BadCodes =
    [
        "0", "15010200100", "1501020010011", "15010200100x", "-15010200100", "1e11", "%2F", "..%2F..%2Fetc%2Fpasswd", "%252F", "150104001001%01",
        "150104001001%0A", "%27%20OR%201%3D1--", "%E2%80%AE150104001001", "%EF%BC%91%EF%BC%95", "150104001001;DROP%20TABLE%20units", "NaN",
        new string('9', 3000), "%C0%AF", "%FF%FE",
    ];

    private static readonly string[] BadPeriods =
        ["2026-13", "0000-01", "9999-12", "2026-Q5", "2026-Q0", "2026-11-H3", "1026-01", "2026-1", "2026%2F11", "%01", "2026-11%0A", "2026-11-H1%27--"];

    private static readonly string[] BadValues =
    [
        "-1", "0", "99999999999999999999", "1e308", "NaN", "null", "[]", "{}", "%27%20OR%201%3D1--", "%00", "%0D%0ASet-Cookie:%20x=1",
        "..%2F..%2Fetc%2Fpasswd", "%2F", Huge, "%E2%80%AE", "%F0%A0%9C%8E", "2026-13", "2026-Q9", "true%27", "!!!", "%C3%28", "-2147483649",
    ];

    private static readonly string[] BadBodies =
    [
        "{", "[", "null", "123", "\"text\"", "{\"a\":", "{\"criteria\":5}", "{\"problems\":\"x\"}", "{\"score\":1e400}", "{\"members\":99999999999}",
        new string('[', 5000) + new string(']', 5000), string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300),
        "{\"name\":\"\\u0000\\u0007\",\"level\":\"village\"}", "{\"note\":\"\\ud800\"}",
    ];

    [Fact]
    public async Task Five_thousand_hostile_requests_answer_below_500_as_problem_details_and_change_nothing()
    {
        // Other tests' writes may still be on their way to the read model: start from a state that holds still.
        var previous = await StateAsync();
        var before = await Eventually.Until(async () =>
        {
            var now = await StateAsync();
            var settled = now == previous ? now : null;
            previous = now;
            return settled;
        }, s => s is not null, what: "a quiet database");

        var doc = JsonNode.Parse(await fx.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var admin = fx.Client(Region, Role.Admin, "hostile-admin");
        var sent = 0;
        var failures = new List<string>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var request in Corpus(method.ToUpperInvariant(), path, operation!))
                {
                    var response = await admin.SendAsync(request);
                    sent++;
                    var text = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    var type = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500 || (status >= 400 && type != "application/problem+json")
                        || text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal)
                        || text.Contains("Npgsql", StringComparison.Ordinal))
                    {
                        failures.Add($"{request.Method} {Clip(request.RequestUri!.OriginalString)} → {status} {type} {Clip(text)}");
                    }
                    if (response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) is false || !nosniff.Contains("nosniff"))
                    {
                        failures.Add($"{request.Method} {Clip(request.RequestUri!.OriginalString)}: no security headers");
                    }
                }
            }
        }
        output.WriteLine($"{sent} hostile requests, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
        Assert.True(sent >= 5000, $"only {sent} requests");
        var after = await StateAsync();
        Assert.Equal(before, after);
    }

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>Hostile variations of one route: each path value, each query parameter, the body, the headers.</summary>
    private static IEnumerable<HttpRequestMessage> Corpus(string method, string path, JsonNode operation)
    {
        var names = System.Text.RegularExpressions.Regex.Matches(path, "\\{(\\w+)\\}").Select(m => m.Groups[1].Value).ToList();
        string Good(string name) => name switch
        {
            "code" when path.StartsWith("/api/v1/criteria") => "C1",
            "code" when path.StartsWith("/api/v1/organization-categories") => "rural",
            "code" when path.StartsWith("/api/v1/units/{code}/progress") => Township,
            "code" => Village,
            "halfMonth" => "2027-01-H1",   // not yet started: a write there is refused whatever else it carries
            "month" => "2027-01",
            "quarter" => "2027-Q1",
            "id" => "P1",
            "action" => "resolve",
            _ => "x",
        };
        string Url(Dictionary<string, string>? pathValues = null, string query = "") =>
            names.Aggregate(path, (p, n) => p.Replace($"{{{n}}}", pathValues?.GetValueOrDefault(n) ?? Good(n))) + query;
        var parameters = operation["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToList() ?? [];
        var hasBody = method is "POST" or "PUT";
        var import = path.EndsWith("/import");

        HttpRequestMessage Make(string url, HttpContent? content = null)
        {
            var r = new HttpRequestMessage(new HttpMethod(method), url);
            if (content is not null) r.Content = content;
            else if (import) r.Content = File("代码\n1\n");
            else if (hasBody) r.Content = Json("{}");
            return r;
        }

        foreach (var name in names)
        {
            var bad = name switch
            {
                "code" => BadCodes,
                "halfMonth" or "month" or "quarter" => BadPeriods,
                _ => BadValues.Take(12).ToArray(),
            };
            // (A NUL in the path never reaches an application: servers refuse it; the in-process test server throws. NULs go in queries and bodies.)
            foreach (var value in bad) yield return Make(Url(new() { [name] = value.Replace("%00", "%01") }));
        }
        foreach (var parameter in parameters)
        {
            foreach (var value in BadValues) yield return Make(Url(query: $"?{parameter}={value}"));
        }
        if (parameters.Contains("from"))
        {
            yield return Make(Url(query: "?from=2000-01&to=2100-12"));
            yield return Make(Url(query: "?from=1026-01&to=2026-12"));
            yield return Make(Url(query: "?from=2026-12&to=2026-01"));
        }
        if (hasBody && !import)
        {
            foreach (var body in BadBodies) yield return Make(Url(), Json(body));
            foreach (var property in new[] { "name", "criteria", "categories", "note", "reason", "narrative", "problems", "score", "fundsYuan",
                         "decision", "source", "members", "casesVisited", "kind", "nameZh", "leader", "election", "parentCode", "level" })
            {
                foreach (var value in new[] { "12345678901234567890123", "-1", "1e400", "{\"x\":[]}", "[[[]]]", $"\"{Huge}\"", "\"\\u0000\\u202e\"", "\"\\udc00\"", "true" })
                {
                    yield return Make(Url(), Json($"{{\"{property}\":{value}}}"));
                }
            }
            yield return Make(Url(), Json("{\"note\":\"" + new string('x', 300_000) + "\"}"));
            yield return Make(Url(), new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, 0x7B]) { Headers = { ContentType = new("application/json") } });
            yield return Make(Url(), new StringContent("{}", Encoding.UTF8, "text/plain"));
        }
        if (import)
        {
            yield return Make(Url(), File(Encoding.UTF8.GetString(RandomBytes(2000))));
            yield return Make(Url(), File("代码,名称\n" + Huge + ",x\n"));
            yield return Make(Url(), File("代码,状态\n=cmd|' /C calc'!A0,open\n"));
            yield return Make(Url(), File("\"unterminated,quote\n1,2\n"));
            yield return Make(Url(), new ByteArrayContent([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0xFF]) { Headers = { ContentType = new("application/octet-stream") } });
            yield return Make(Url(query: "?dryRun=maybe"));
        }
        foreach (var (header, value) in new[]
        {
            ("Idempotency-Key", new string('k', 10_000)), ("If-Match", "\"abc\""), ("If-Match", "W/\"99999999999999\""), ("X-Long", new string('h', 40_000)),
            ("Authorization", "Bearer " + new string('a', 5000)), ("Accept", "application/x-ndjson"), ("X-File-Name", "../../etc/passwd"),
        })
        {
            var r = Make(Url());
            if (header == "Authorization") r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value[7..]);
            else r.Headers.TryAddWithoutValidation(header, value);
            yield return r;
        }
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(n).NextBytes(bytes);
        return bytes;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent File(string text)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "hostile.csv");
        return form;
    }

    /// <summary>Everything a write could change: the registry, catalogues, cases, their history and reports, stored grain states, answers kept for retries.</summary>
    private async Task<string> StateAsync() => (await fx.Db.ScalarAsync<string>("""
        SELECT md5(coalesce(string_agg(t, '|' ORDER BY t), '')) FROM (
            SELECT 'u' || code || name || coalesce(parent_code, '') || coalesce(category, '') || version AS t FROM units
            UNION ALL SELECT 'uh' || code || version FROM unit_history
            UNION ALL SELECT 'c' || code || version FROM cases
            UNION ALL SELECT 'h' || code || version FROM case_history
            UNION ALL SELECT 'r' || code || month || version FROM case_reports
            UNION ALL SELECT 'cv' || code || version FROM case_versions
            UNION ALL SELECT 'cr' || code || version FROM criteria
            UNION ALL SELECT 'ch' || code || version FROM criteria_history
            UNION ALL SELECT 'oc' || code || version FROM organization_categories
            UNION ALL SELECT 'i' || key FROM idempotency
            UNION ALL SELECT 'rv' || version FROM registry_version
            UNION ALL SELECT 'cs' || code || version || md5(state) FROM case_states
            UNION ALL SELECT 'cp' || code || part || md5(doc) FROM case_parts
            UNION ALL SELECT 'g' || graintypestring || coalesce(grainidextensionstring, '') || grainidn0 || grainidn1 || version
              FROM orleansstorage
             WHERE payloadbinary IS NOT NULL AND position('"Progress"' in convert_from(payloadbinary, 'UTF8')) > 0
        ) s
        """))!;
}
