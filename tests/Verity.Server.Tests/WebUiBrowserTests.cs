using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Verity.Server.Tests;

/// <summary>The web page in a real headless Chromium against the server on a real socket.</summary>
public sealed class WebUiBrowserTests : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly VerityServerFactory _factory = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium for the browser tests.");
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();
        _baseUrl = client.BaseAddress!.ToString().TrimEnd('/');
        await TestDocuments.SeedAsync(client);
        var hostile = await client.PostAsJsonAsync("/v1/documents", new
        {
            id = "kb/hostile",
            title = "<img src=x onerror=\"window.pwned=1\">Badge policy",
            text = "Visitor badges are returned at reception <img src=x onerror=\"window.pwned=1\"> before leaving the building.",
        });
        hostile.EnsureSuccessStatusCode();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    [Fact]
    public async Task AskingAQuestion_ShowsTheAnswerWithCitationLinksAndSources()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.FillAsync("#question", "Which error does the Pangolin VPN client show?");
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#answer[style*='block']");

        var answer = await page.InnerTextAsync("#answer-text");
        Assert.Contains("809", answer, StringComparison.Ordinal);
        var citation = page.Locator("#answer-text a.citation").First;
        var href = await citation.GetAttributeAsync("href");
        Assert.Matches("^#source-[0-9]+$", href);
        Assert.Equal(1, await page.Locator(href!).CountAsync());
        Assert.Contains("VPN access", await page.InnerTextAsync(href!), StringComparison.Ordinal);
        Assert.Contains("Grounded", await page.InnerTextAsync("#answer-meta"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnanswerableQuestion_ShowsNotEnoughEvidence()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.FillAsync("#question", "Who won the 1998 football world cup?");
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#answer[style*='block']");

        Assert.StartsWith("I don't know", await page.InnerTextAsync("#answer-text"), StringComparison.Ordinal);
        Assert.Contains("Not enough evidence", await page.InnerTextAsync("#answer-meta"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkupInsideDocuments_IsShownAsTextNeverExecuted()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.FillAsync("#question", "Where are visitor badges returned before leaving?");
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#answer[style*='block']");

        Assert.Contains("<img", await page.InnerTextAsync("#answer"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#answer img").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.pwned === 1"));
    }

    [Fact]
    public async Task AnEmptyQuestion_IsRefusedWithTheServersMessage()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.FillAsync("#question", "?!");
        await page.ClickAsync("#submit");
        await page.WaitForFunctionAsync("() => document.getElementById('error').textContent.length > 0");

        Assert.Contains("at least one word", await page.InnerTextAsync("#error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticatedServer_AsksForATokenThenAnswersWithIt()
    {
        using var factory = TestTokens.AuthenticatedFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        var editor = TestTokens.Create(user: "ed", roles: ["editor"]);
        using (var writer = factory.CreateClient().WithToken(editor))
        {
            (await writer.PostAsJsonAsync("/v1/documents", new { id = "kb/printing", text = "Colour printing is limited to 200 pages per month." })).EnsureSuccessStatusCode();
        }

        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(client.BaseAddress!.ToString());
        await page.FillAsync("#question", "How many colour pages may I print per month?");
        await page.ClickAsync("#submit");
        await page.WaitForFunctionAsync("() => document.getElementById('error').textContent.length > 0");
        Assert.Contains("access token", await page.InnerTextAsync("#error"), StringComparison.Ordinal);

        await page.FillAsync("#token", TestTokens.Create(user: "ann"));
        await page.DispatchEventAsync("#token", "change");
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#answer[style*='block']");
        Assert.Contains("200 pages", await page.InnerTextAsync("#answer-text"), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _factory.Dispose();
    }
}
