using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Verity.Server.Tests;

/// <summary>The <c>verity</c> program itself, run as a separate process the way a user runs it.</summary>
public sealed partial class CliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-cli-tests", Guid.NewGuid().ToString("N"));

    private string Data => Path.Combine(_root, "data");

    private string Docs => Path.Combine(_root, "docs");

    public CliTests() => Directory.CreateDirectory(Docs);

    [Fact]
    public async Task Ingest_FolderWithBadFiles_IngestsTheRestReportsReasonsAndSkipsUnchangedOnRerun()
    {
        File.WriteAllText(Path.Combine(Docs, "lockers.md"), "# Lockers\n\nLockers on the second floor are emptied every Friday evening.");
        File.WriteAllText(Path.Combine(Docs, "bikes.txt"), "Bicycle storage\n\nBicycles go in the courtyard racks behind the reception.");
        File.WriteAllText(Path.Combine(Docs, "badge.html"), "<html><head><title>Badges</title></head><body><p>Lost badges are replaced by the front desk within one day.</p></body></html>");
        File.WriteAllBytes(Path.Combine(Docs, "logo.txt"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);
        File.WriteAllText(Path.Combine(Docs, "empty.md"), "");

        var first = await RunAsync("ingest", Docs, "--data", Data, "--json");

        Assert.Equal(1, first.ExitCode);
        var summary = JsonDocument.Parse(first.Output).RootElement;
        Assert.Equal(3, summary.GetProperty("added").GetInt32());
        var failed = summary.GetProperty("failed").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.Contains("binary", failed["logo.txt"], StringComparison.Ordinal);
        Assert.Contains("no text", failed["empty.md"], StringComparison.Ordinal);

        File.Delete(Path.Combine(Docs, "logo.txt"));
        File.Delete(Path.Combine(Docs, "empty.md"));
        File.Delete(Path.Combine(Docs, "bikes.txt"));
        var second = await RunAsync("ingest", Docs, "--data", Data, "--json");

        Assert.Equal(0, second.ExitCode);
        var rerun = JsonDocument.Parse(second.Output).RootElement;
        Assert.Equal(2, rerun.GetProperty("unchanged").GetInt32());
        Assert.Equal(1, rerun.GetProperty("removed").GetInt32());
        Assert.Equal(0, rerun.GetProperty("chunks_embedded").GetInt32());
    }

    [Fact]
    public async Task AskAndSearch_AfterIngest_AnswerFromTheIndexWithCitations()
    {
        File.WriteAllText(Path.Combine(Docs, "lockers.md"), "# Lockers\n\nLockers on the second floor are emptied every Friday evening.");
        File.WriteAllText(Path.Combine(Docs, "kitchen.md"), "# Kitchen\n\nThe kitchen has two coffee machines and a dishwasher.");
        Assert.Equal(0, (await RunAsync("ingest", Docs, "--data", Data)).ExitCode);

        var ask = await RunAsync("ask", "When are the lockers emptied?", "--data", Data, "--json");
        Assert.Equal(0, ask.ExitCode);
        var answer = JsonDocument.Parse(ask.Output).RootElement;
        Assert.True(answer.GetProperty("grounded").GetBoolean());
        Assert.Contains("Friday evening. [1]", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal("lockers.md", answer.GetProperty("sources")[0].GetProperty("document_id").GetString());

        var search = await RunAsync("search", "coffee machines", "--mode", "lexical", "--data", Data);
        Assert.Equal(0, search.ExitCode);
        Assert.Contains("Kitchen", search.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_EmptyQuestion_ExitsWithCodeTwoAndAClearMessage()
    {
        var result = await RunAsync("ask", "   ", "--data", Data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error:", result.All, StringComparison.Ordinal);
        Assert.Contains("must not be empty", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_MissingFolder_ExitsWithCodeTwoNamingIt()
    {
        var result = await RunAsync("ingest", Path.Combine(_root, "nowhere"), "--data", Data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_IngestsTheDemoCorpusAndServesAnswersOverHttp()
    {
        using var process = Start("demo", "--data", Data, "--urls", "http://127.0.0.1:0");
        var output = new StringBuilder();
        string? url = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (url is null && DateTime.UtcNow < deadline)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null)
            {
                break;
            }

            output.AppendLine(line);
            var match = ServingLine().Match(line);
            url = match.Success ? match.Groups[1].Value : null;
        }

        try
        {
            Assert.True(url is not null, "demo never printed its URL:\n" + output);
            Assert.Contains("curl -s " + url + "/v1/chat", await ReadLineContainingAsync(process, "curl"), StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = new Uri(url) };
            var body = await (await client.PostAsJsonAsync("/v1/chat", new { question = "How many days of annual leave do employees get?" })).ReadJsonAsync();
            Assert.True(body.GetProperty("grounded").GetBoolean());
            Assert.Contains("25 working days", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
            Assert.Contains(body.GetProperty("sources").EnumerateArray(), s => s.GetProperty("document_id").GetString() == "handbook/leave-and-holidays.md");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<string> ReadLineContainingAsync(Process process, string text)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return "";
    }

    private static Task<(int ExitCode, string Output, string All)> RunAsync(params string[] args) => VerityProcess.RunAsync(args);

    private static Process Start(params string[] args) => VerityProcess.Start(args);

    [GeneratedRegex(@"serving the demo at (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ServingLine();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
