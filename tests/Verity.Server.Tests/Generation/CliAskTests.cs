using System.Diagnostics;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary><c>verity ask</c>, run as a process with its model at a fake OpenAI server: the answer streams, a
/// mid-answer failure is noted and answered again, and the sources and a status line follow.</summary>
public sealed class CliAskTests(CliAskTests.IngestedFolder folder) : IClassFixture<CliAskTests.IngestedFolder>, IDisposable
{
    public void Dispose()
    {
        folder.Model.Chat = null;
        folder.Model.ClearRequests();
    }

    [Fact]
    public async Task Ask_ModelAnswers_PrintsTheAnswerTheCitedSourceAndAStatusLine()
    {
        var (exitCode, output) = await folder.AskAsync("When are the lockers emptied?");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var answer = Array.FindIndex(lines, l => l.Contains("Friday evening", StringComparison.Ordinal));
        Assert.True(answer >= 0, output);
        Assert.Contains("[1]", lines[answer], StringComparison.Ordinal);
        Assert.StartsWith("[1] Lockers (lockers.md", lines[answer + 1], StringComparison.Ordinal);
        Assert.Matches(@"^primary \(fake-chat\), grounded, [0-9.]+ ms$", lines[^1]);
        Assert.Single(folder.Model.Requests, r => r.Path == FakeOpenAiServer.ChatPath && r.Stream);
    }

    [Fact]
    public async Task Ask_ModelDiesMidAnswer_NotesItAndPrintsTheExtractiveAnswerMarkedDegraded()
    {
        folder.Model.Chat = _ => FakeReply.Answer("Lockers on the second floor are emptied every Friday evening. [1]").Streamed(4).AbortingAfter(2);

        var (exitCode, output) = await folder.AskAsync("Which lockers are emptied on Fridays?");

        Assert.Equal(0, exitCode);
        var note = output.IndexOf("(primary stopped mid-answer", StringComparison.Ordinal);
        Assert.True(note >= 0, output);
        Assert.Contains("Friday evening. [1]", output[note..], StringComparison.Ordinal);
        var status = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.StartsWith("extractive, grounded, degraded: primary", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Json_PrintsTheCompleteResponseBody()
    {
        var (exitCode, output) = await folder.AskAsync("How are bicycles stored?", "--json");

        Assert.Equal(0, exitCode);
        var body = JsonDocument.Parse(output).RootElement;
        Assert.Equal("primary", body.GetProperty("generator").GetString());
        Assert.Equal("fake-chat", body.GetProperty("model").GetString());
        Assert.False(body.GetProperty("degraded").GetBoolean());
        Assert.Equal("bikes.txt", body.GetProperty("sources")[0].GetProperty("document_id").GetString());
    }

    /// <summary>Two files ingested once with <c>verity ingest</c>, and a fake model for every <c>ask</c>.</summary>
    public sealed class IngestedFolder : IAsyncLifetime
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-cli-ask-tests", Guid.NewGuid().ToString("N"));

        public FakeOpenAiServer Model { get; private set; } = null!;

        private string Data => Path.Combine(_root, "data");

        public async Task InitializeAsync()
        {
            Model = await FakeOpenAiServer.StartAsync();
            var docs = Path.Combine(_root, "docs");
            Directory.CreateDirectory(docs);
            File.WriteAllText(Path.Combine(docs, "lockers.md"), "# Lockers\n\nLockers on the second floor are emptied every Friday evening.");
            File.WriteAllText(Path.Combine(docs, "bikes.txt"), "Bicycle storage\n\nBicycles are stored in the courtyard racks behind the reception.");
            var (exitCode, output) = await RunAsync("ingest", docs, "--data", Data);
            Assert.True(exitCode == 0, output);
        }

        /// <returns>The exit code and standard output; standard error is appended when the exit code is not 0.</returns>
        public Task<(int ExitCode, string Output)> AskAsync(string question, params string[] options) =>
            RunAsync(["ask", question, "--data", Data, .. options]);

        public async Task DisposeAsync()
        {
            await Model.DisposeAsync();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        // Like VerityProcess, with the model configured through the environment, as a user would.
        private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "verity.dll"));
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["COLUMNS"] = "200";
            info.Environment["Llm__Endpoint"] = Model.BaseUrl.ToString();
            info.Environment["Llm__Model"] = "fake-chat";
            info.Environment["Llm__Timeout"] = GenerationFixture.Seconds(5);
            info.Environment["Llm__MaxRetries"] = "0";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            return (process.ExitCode, process.ExitCode == 0 ? await stdout : await stdout + await stderr);
        }
    }
}
