using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Jobs;
using Verity.Sqlite;

namespace Verity.Server.Tests;

/// <summary><c>verity worker</c> as a process: it runs jobs that another process queued in the same data directory.</summary>
public sealed class WorkerCommandTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-worker-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Worker_JobQueuedByAnotherProcess_RunsItUntilStopped()
    {
        var docs = Path.Combine(_root, "docs");
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "kitchen.md"), "# Kitchen\n\nThe kitchen has two coffee machines.");
        Assert.Equal(0, (await VerityProcess.RunAsync("ingest", docs, "--data", data)).ExitCode);

        log.WriteLine($"{DateTime.UtcNow:O} ingested");
        using var jobs = new SqliteIngestJobStore(
            new SqliteStoreOptions { Path = Path.Combine(data, "verity.db") }, NullLogger<SqliteIngestJobStore>.Instance);
        var job = await jobs.CreateJobAsync(
            new NewIngestJob { TenantId = "default", Kind = "upload", Source = "api" },
            [new NewJobItem
            {
                DocumentId = "pantry.md",
                Content = "# Pantry\n\nThe pantry shelf holds seville orange marmalade for the Friday breakfast."u8.ToArray(),
                Descriptor = new JobItemDescriptor { FileName = "pantry.md" }.ToJson(),
            }],
            null,
            CancellationToken.None);

        log.WriteLine($"{DateTime.UtcNow:O} job created");
        using var worker = VerityProcess.Start("worker", "--data", data);
        var output = Task.WhenAll(worker.StandardOutput.ReadToEndAsync(), worker.StandardError.ReadToEndAsync());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IngestJob? state;
        do
        {
            await Task.Delay(100);
            state = await jobs.GetJobAsync("default", job.Id, CancellationToken.None);
            log.WriteLine($"{DateTime.UtcNow:O} {state!.State} {state.Counts.Done}");
        }
        while (state!.FinishedAt is null && DateTime.UtcNow < deadline && !worker.HasExited);

        var exitedEarly = worker.HasExited;
        worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
        var printed = string.Join("\n", await output);
        Assert.False(exitedEarly, "the worker stopped on its own: " + printed);
        Assert.True(state.State == IngestJobState.Succeeded, $"{state.State}, {state.Counts}: {printed}");
        Assert.Equal(1, state.Counts.Added);

        var search = await VerityProcess.RunAsync("search", "marmalade", "--mode", "lexical", "--data", data);
        Assert.Equal(0, search.ExitCode);
        Assert.Contains("pantry.md", search.Output, StringComparison.Ordinal);
    }

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
