using Microsoft.Playwright;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary>The web page in headless Chromium shows a slow model's answer while it is written, then the finished
/// answer with its sources.</summary>
public sealed class WebUiStreamingTests(GenerationFixture fixture) : IClassFixture<GenerationFixture>, IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium for the browser tests.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        fixture.Model.Chat = null;
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task AskingWithASlowModel_ShowsTheFirstSentenceBeforeTheAnswerIsFinished()
    {
        fixture.Model.Chat = _ => FakeReply.Answer(
            "Staff connect with the Pangolin client. [1] The gateway is vpn.example.test. [1] Sessions expire after 12 hours. [1]")
            .Streamed(6, TimeSpan.FromMilliseconds(150));
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());

        await page.FillAsync("#question", "How do staff connect to the VPN?");
        await page.ClickAsync("#submit");
        await page.WaitForFunctionAsync("() => document.getElementById('answer-text').textContent.includes('Pangolin client')");
        var finishedEarly = await page.Locator("#answer[style*='block']").CountAsync();
        var meta = await page.InnerTextAsync("#answer-meta");
        await page.WaitForSelectorAsync("#answer[style*='block']");

        Assert.Equal(0, finishedEarly);
        Assert.Equal("Writing…", meta);
        Assert.Contains("Sessions expire after 12 hours.", await page.InnerTextAsync("#answer-text"), StringComparison.Ordinal);
        Assert.Equal(3, await page.Locator("#answer-text a.citation").CountAsync());
        Assert.Contains("Grounded", await page.InnerTextAsync("#answer-meta"), StringComparison.Ordinal);
        Assert.Contains("VPN access", await page.InnerTextAsync("#sources"), StringComparison.Ordinal);
    }
}
