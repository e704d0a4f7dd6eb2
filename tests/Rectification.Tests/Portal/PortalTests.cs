using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Portal;

/// <summary>
/// The portal in a real browser (headless Chromium from Debian's packages, driven by Selenium through
/// Debian's ChromeDriver), against the real API on a loopback port over a real silo and PostgreSQL:
/// sign in, drill from the region down to a village, open its case, submit a monthly report (a bad one
/// first: the API's field error shows next to the field), and watch the township's figure change
/// without a reload. Screenshots of the main pages are written to docs/portal/.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalTests(ApiFixture fx) : IAsyncLifetime
{
    private const string Region = "150000000000";
    private WebApplicationFactory<Program> _api = null!;
    private ChromeDriver _browser = null!;
    private string _base = "";
    private string _profile = "";
    private string _downloads = "";

    public Task InitializeAsync()
    {
        var port = FreePort.Next();
        // A free port of its own (appsettings.json names the local run's 5080).
        _api = fx.WithSettings(new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" });
        _api.UseKestrel(port);
        _api.StartServer();
        var addresses = _api.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        _base = addresses.First().Replace("localhost", "127.0.0.1").Replace("[::]", "127.0.0.1").TrimEnd('/');
        Console.WriteLine($"portal under test at {_base} ({string.Join(", ", addresses)})");
        _profile = Directory.CreateTempSubdirectory("portal-chromium-").FullName;
        _downloads = Directory.CreateTempSubdirectory("portal-downloads-").FullName;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddUserProfilePreference("download.default_directory", _downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        // Headless, as root, on a closed network: no sandbox, no GPU, and none of Chromium's own background traffic.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={_profile}", "--window-size=1280,1000");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        _browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _browser.Quit();
        _browser.Dispose();
        await _api.DisposeAsync();
        foreach (var dir in new[] { _profile, _downloads })
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private IWebElement Wait(By by, Func<IWebElement, bool>? until = null, int seconds = 30) =>
        new WebDriverWait(_browser, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(100) }
            .Until(d =>
            {
                try
                {
                    var e = d.FindElement(by);
                    return e.Displayed && (until?.Invoke(e) ?? true) ? e : null;
                }
                catch (Exception ex) when (ex is NoSuchElementException or StaleElementReferenceException)
                {
                    return null;
                }
            })!;

    private void Screenshot(string name)
    {
        var docs = Path.Combine(RepoRoot(), "docs", "portal");
        Directory.CreateDirectory(docs);
        ((ITakesScreenshot)_browser).GetScreenshot().SaveAsFile(Path.Combine(docs, $"{name}.png"));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grains.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    /// <summary>The file of that kind the browser finished downloading (Chromium writes *.crdownload until it is done).</summary>
    private string Downloaded(string extension) =>
        new WebDriverWait(_browser, TimeSpan.FromSeconds(30)) { PollingInterval = TimeSpan.FromMilliseconds(200) }
            .Until(_ => Directory.GetFiles(_downloads, "*" + extension).FirstOrDefault(f => new FileInfo(f).Length > 0))!;

    private long Figure(string figure) => long.Parse(Wait(By.CssSelector($"#cards [data-figure='{figure}'] b")).Text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_officer_signs_in_drills_down_to_a_village_files_its_report_and_sees_the_township_figure_change()
    {
        try
        {
            await Walk();
        }
        catch
        {
            // What the browser showed when it failed, for whoever reads the test's output.
            Console.WriteLine($"portal at {_browser.Url}:\n{_browser.FindElement(By.TagName("body")).Text}");
            throw;
        }
    }

    private async Task Walk()
    {
        // One open case in a village of the real region, brought in by import.
        var rows = RegistryImport.ReadRows();
        var village = rows.First(r => r.Level == Units.UnitLevel.Village && r.Code.StartsWith("1507", StringComparison.Ordinal)).Code;
        var township = rows.First(r => r.Code == village).ParentCode!;
        var banner = rows.First(r => r.Code == township).ParentCode!;
        var league = rows.First(r => r.Code == banner).ParentCode!;
        var headers = new[] { "代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人" };
        var file = new[] { new string?[] { village, "open", "C1", "L1", "2026-09-01", "书记长期缺职", "C1", "选好书记", "班子健全", "2027-03-31", "镇党委书记" } };
        var imported = await fx.Client(Region, Role.Admin).Upload("/api/v1/cases/import", ImportFiles.Xlsx(headers, file), "portal.xlsx");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());

        // Sign in (the local run's trial tokens): a reviewer of the whole region.
        _browser.Navigate().GoToUrl(_base + "/");
        Wait(By.Id("dev-signin"));
        Screenshot("sign-in");
        _browser.FindElement(By.CssSelector("#dev-signin select[name=role]")).SendKeys("reviewer");
        _browser.FindElement(By.CssSelector("#dev-signin button")).Click();

        // The region's tree, then down one level at a time by clicking the child's row.
        Wait(By.CssSelector($"#children-table tr[data-unit='{league}'] a"));
        Screenshot("region");
        foreach (var code in new[] { league, banner, township })
        {
            Wait(By.CssSelector($"#children-table tr[data-unit='{code}'] a")).Click();
            Wait(By.CssSelector("#children-table"), _ => _browser.Url.Contains($"#/unit/{code}"));
        }
        var before = Figure("reports.onTime") + Figure("reports.late");
        Screenshot("township");
        Wait(By.CssSelector($"#children-table tr[data-unit='{village}'] a")).Click();
        Wait(By.CssSelector($"a[href='#/case/{village}']")).Click();

        // The case, its commands as forms: a report without its required figures gets the API's field error by the field.
        var summary = Wait(By.CssSelector("details:has(form[data-command='report']) > summary"));
        Screenshot("case");
        summary.Click();
        var form = Wait(By.CssSelector("form[data-command='report']"));
        form.FindElement(By.CssSelector("button[type=submit]")).Click();
        Wait(By.CssSelector("form[data-command='report'] [data-error-for='problemsResolved']"), e => e.Text.Length > 0);
        form.FindElement(By.Name("problemsResolved")).SendKeys("1");
        form.FindElement(By.Name("measuresDone")).SendKeys("2");
        form.FindElement(By.Name("fundsYuan")).SendKeys("3000");
        form.FindElement(By.Name("narrative")).SendKeys("召开组织生活会，选出新书记人选");
        form.FindElement(By.CssSelector("button[type=submit]")).Click();
        Wait(By.CssSelector("#case-status"), _ => _browser.FindElements(By.CssSelector("table td")).Any(td => td.Text.Contains("召开组织生活会")));

        // Back on the township's page the figure changes by itself (the page polls the API).
        _browser.Navigate().GoToUrl($"{_base}/#/unit/{township}");
        new WebDriverWait(_browser, TimeSpan.FromSeconds(30)) { PollingInterval = TimeSpan.FromMilliseconds(200) }
            .Until(_ =>
            {
                try { return Figure("reports.onTime") + Figure("reports.late") == before + 1; }
                catch (StaleElementReferenceException) { return false; }
            });
        Screenshot("township-after-report");

        // Every figure opens the cases behind it.
        var received = Figure("reports.onTime") > 0 ? "reports.onTime" : "reports.late";
        Wait(By.CssSelector($"#cards a[data-figure='{received}']")).Click();
        Wait(By.CssSelector($"#ledger tr[data-code='{village}']"));
        Assert.Equal("1", Wait(By.CssSelector("#figure-total b")).Text);
        Screenshot("ledger");

        // The ledger's export and a form of seed 004 download as files (the page fetches them with the token).
        _browser.FindElements(By.CssSelector("main button.link")).First(b => b.Text.Contains("CSV")).Click();
        var csv = Downloaded(".csv");
        Assert.Contains(village, await File.ReadAllTextAsync(csv));
        _browser.Navigate().GoToUrl($"{_base}/#/unit/{township}");
        Wait(By.CssSelector("#cards [data-figure='cases.active'] b"));
        _browser.FindElements(By.CssSelector("main button.link")).First(b => b.Text.Contains("简要情况一览表") && b.Text.Contains("xlsx")).Click();
        var xlsx = Downloaded(".xlsx");
        Assert.Equal("PK"u8.ToArray(), (await File.ReadAllBytesAsync(xlsx))[..2]);

        // English on the toggle.
        _browser.FindElement(By.Id("lang")).Click();
        Wait(By.CssSelector(".brand"), e => e.Text == "Rectifying weak Party organizations");

        // On a phone's width the township's page is one column and still reads.
        _browser.Manage().Window.Size = new System.Drawing.Size(390, 844);
        _browser.Navigate().GoToUrl($"{_base}/#/unit/{township}");
        Wait(By.CssSelector("#cards [data-figure='cases.active'] b"));
        Assert.True(_browser.FindElement(By.Id("cards")).Size.Width <= 390);
        Screenshot("phone");

        // Signed out, then back with a token as an identity provider's implicit flow hands it over (#access_token=…).
        _browser.FindElement(By.Id("signout")).Click();
        Wait(By.Id("dev-signin"));
        _browser.Navigate().GoToUrl($"{_base}/#access_token={fx.Token(banner, Role.Viewer, "idp-user")}&token_type=Bearer&expires_in=3600");
        Wait(By.Id("who"), e => e.Text.Contains("idp-user"));
        Wait(By.CssSelector($"#children-table tr[data-unit='{township}']"));
        Assert.DoesNotContain("access_token", _browser.Url);
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "portal";
}
