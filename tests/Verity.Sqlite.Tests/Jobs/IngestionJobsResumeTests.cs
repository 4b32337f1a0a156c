using Microsoft.Data.Sqlite;
using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>A sync interrupted half way (the process killed with items done, one item leased by the dead process and
/// the rest queued) is finished by the next sync, and the index ends exactly as one uninterrupted sync leaves it.</summary>
public sealed class IngestionJobsResumeTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task SyncAsync_UnfinishedJobOfSameSource_ResumesItAndEndsWithTheUninterruptedIndex()
    {
        using var h = await JobHarness.CreateAsync();
        var root = IngestionJobsTests.WriteFolder(h, 6, longDocument: true);
        var connector = new FolderConnector(root);
        var (interrupted, scan) = await h.Orchestration.EnqueueScanAsync(connector, JobHarness.Tenant, null, null, Ct);
        Assert.Equal(7, scan.Items.Count);
        Assert.True(await h.Worker.ProcessNextAsync(interrupted.Id, Ct));
        Assert.True(await h.Worker.ProcessNextAsync(interrupted.Id, Ct));
        var deadOwner = $"{Environment.MachineName}/{int.MaxValue - 7}/123";
        Assert.NotNull(await h.Jobs.LeaseNextAsync(deadOwner, TimeSpan.FromHours(1), interrupted.Id, Ct));
        // Another source's unfinished job is not this sync's business.
        var unrelated = await h.EnqueueUploadsAsync([JobHarness.TextItem("api-note.txt", "An upload queued by someone else.")]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var summary = await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, timeout.Token);

        Assert.Equal(1, summary.ResumedJobs);
        var resumed = await h.GetJobAsync(interrupted.Id);
        Assert.Equal(IngestJobState.Succeeded, resumed.State);
        Assert.Equal((7, 7), (resumed.Counts.Done, resumed.Counts.Added));
        Assert.Equal((0, 7), (summary.Added, summary.Unchanged));
        Assert.Empty(summary.Failed);
        Assert.Equal(0, (await h.GetJobAsync(summary.JobId!)).Counts.Total);
        Assert.Equal(IngestJobState.Queued, (await h.GetJobAsync(unrelated.Id)).State);
        Assert.Null(await h.DocumentAsync("api-note.txt"));

        using var reference = await JobHarness.CreateAsync();
        var uninterrupted = await reference.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);
        Assert.Equal(7, uninterrupted.Added);
        Assert.Equal(await DocumentsAsync(reference), await DocumentsAsync(h));
        Assert.Equal(ChunkRows(reference.DatabasePath), ChunkRows(h.DatabasePath));
    }

    [Fact]
    public async Task SyncAsync_AnotherSourcesUnfinishedJobHoldsTheSameDocumentId_StillFinishes()
    {
        // Two folders with a file of the same relative path: their documents share an id in the tenant. A scan of
        // the first was queued and never run (its process was killed before the worker took the items).
        using var h = await JobHarness.CreateAsync();
        var first = h.Temp.Combine("first");
        var second = h.Temp.Combine("second");
        Directory.CreateDirectory(first);
        Directory.CreateDirectory(second);
        File.WriteAllText(Path.Combine(first, "README.md"), "# First\n\nThe first folder's readme covers billing.\n");
        File.WriteAllText(Path.Combine(second, "README.md"), "# Second\n\nThe second folder's readme covers search.\n");
        File.WriteAllText(Path.Combine(second, "only-here.md"), "# Only here\n\nA page that only the second folder has.\n");
        await h.Orchestration.EnqueueScanAsync(new FolderConnector(first), JobHarness.Tenant, null, null, Ct);

        // A hang (the new job's README.md waiting for ever behind the other job's) fails the test after 5 s.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var summary = await h.Orchestration.SyncAsync(new FolderConnector(second), JobHarness.Tenant, null, timeout.Token);

        Assert.Equal(0, summary.ResumedJobs);
        Assert.NotNull(await h.DocumentAsync("only-here.md"));
        var job = await h.GetJobAsync(summary.JobId!);
        Assert.Equal((2, 2), (job.Counts.Total, job.Counts.Done));
    }

    /// <summary>Each document as it would be compared across two indexes: everything but its timestamps, and its text.</summary>
    private static async Task<List<string>> DocumentsAsync(JobHarness h)
    {
        var rows = new List<string>();
        foreach (var d in (await h.DocumentsAsync()).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            var metadata = string.Join(";", d.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            var text = await h.Index.GetDocumentTextAsync(JobHarness.Tenant, d.Id, Ct);
            rows.Add(string.Join(
                "|",
                d.Id, d.Title, d.Uri, d.Source, d.MediaType, d.ContentHash, metadata, d.Acl.Canonical, d.ChunkerVersion,
                d.EmbeddingModel, d.SourceVersion, d.Version, d.ChunkCount, d.TextLength, text));
        }

        return rows;
    }

    /// <summary>Every chunk of the tenant with its text, heading path and vector, read from the file itself.</summary>
    private static List<string> ChunkRows(string databasePath)
    {
        using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.document_id, c.ordinal, c.token_count, c.page, c.parent_ordinal, t.text, t.heading_path, hex(v.embedding)
            FROM chunks c
            JOIN chunk_content t ON t.chunk_id = c.id
            JOIN chunk_vectors v ON v.chunk_id = c.id
            WHERE c.tenant_id = $tenant
            ORDER BY c.document_id, c.ordinal
            """;
        command.Parameters.AddWithValue("$tenant", JobHarness.Tenant);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString())));
        }

        return rows;
    }
}
