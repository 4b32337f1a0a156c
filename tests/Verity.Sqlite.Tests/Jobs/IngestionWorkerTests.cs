using System.IO.Compression;
using System.Text;
using Verity.Core;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Model;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>What the worker does with each kind of item and failure, on a real SQLite index and job store.</summary>
public sealed class IngestionWorkerTests
{
    private static CancellationToken Ct => CancellationToken.None;

    // ---------------------------------------------------------------- poison documents

    [Fact]
    public async Task DrainAsync_PoisonDocumentsAmongGoodOnes_QuarantinesThemAtOnceAndIngestsTheRest()
    {
        using var h = await JobHarness.CreateAsync();
        var pdf = TruncatedPdf();
        var docx = DamagedDocx();
        byte[] junk = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x3E, 0x00, 0x01, 0xFF, 0xFE];
        Assert.Equal(MediaTypes.Pdf, DocumentFormats.Detect(pdf, "report.pdf", null));
        Assert.Equal(MediaTypes.Docx, DocumentFormats.Detect(docx, "letter.docx", null));
        var job = await h.EnqueueUploadsAsync(
        [
            JobHarness.TextItem("first.txt", "The first good document is about alpine meadows in early summer."),
            JobHarness.BytesItem("report.pdf", pdf),
            JobHarness.TextItem("second.txt", "The second good document describes tidal pools along the coast."),
            JobHarness.BytesItem("letter.docx", docx),
            JobHarness.BytesItem("junk.bin", junk),
            JobHarness.TextItem("third.txt", "The third good document explains how glaciers carve valleys."),
        ]);

        var finished = await h.DrainAsync(job.Id);

        var items = await h.ItemsByDocumentAsync(job.Id);
        foreach (var (id, content) in new[] { ("report.pdf", pdf), ("letter.docx", docx), ("junk.bin", junk) })
        {
            var item = items[id];
            Assert.Equal(JobItemState.Quarantined, item.State);
            Assert.Equal(1, item.Attempts);
            Assert.Null(item.Outcome);
            Assert.Equal(LoaderReason(content, id), item.Error);
            Assert.Null(await h.DocumentAsync(id));
        }

        Assert.Contains("truncated", items["report.pdf"].Error, StringComparison.Ordinal);
        Assert.Contains("DOCX", items["letter.docx"].Error, StringComparison.Ordinal);
        Assert.Contains("binary", items["junk.bin"].Error, StringComparison.Ordinal);
        string[] good = ["first.txt", "second.txt", "third.txt"];
        Assert.All(good, id => Assert.Equal(JobItemOutcome.Added, items[id].Outcome));
        var documents = await h.DocumentsAsync();
        Assert.Equal(good, documents.Select(d => d.Id).Order(StringComparer.Ordinal));

        Assert.Equal(IngestJobState.CompletedWithErrors, finished.State);
        Assert.NotNull(finished.FinishedAt);
        var c = finished.Counts;
        Assert.Equal(6, c.Total);
        Assert.Equal(c.Total, c.Done);
        Assert.Equal(3, c.Added);
        Assert.Equal(3, c.Quarantined);
        Assert.Equal(0, c.Retrying);
        Assert.Equal(c.Done, c.Added + c.Updated + c.Unchanged + c.Stale + c.Removed + c.Quarantined);
        Assert.Equal(documents.Sum(d => d.ChunkCount), c.Chunks);
        Assert.Equal(
            ["junk.bin", "letter.docx", "report.pdf"],
            (await h.Jobs.ListQuarantineAsync(JobHarness.Tenant, 100, Ct)).Select(i => i.DocumentId).Order(StringComparer.Ordinal));
    }

    // ---------------------------------------------------------------- transient failures

    [Fact]
    public async Task ProcessNextAsync_TransientStoreFailure_RetriesAfterBackoffAndSucceeds()
    {
        using var h = await JobHarness.CreateAsync();
        h.Store.FailUpserts("flaky.txt", 1);
        var job = await h.EnqueueUploadsAsync(
        [
            JobHarness.TextItem("flaky.txt", "A document whose first write meets a busy index."),
            JobHarness.TextItem("steady.txt", "A document that is written on its first attempt."),
        ]);
        var failedAt = h.Clock.GetUtcNow();

        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var retrying = await h.ItemAsync(job.Id, "flaky.txt");
        Assert.Equal(JobItemState.Pending, retrying.State);
        Assert.Equal(1, retrying.Attempts);
        Assert.Equal("The index is busy; try again.", retrying.Error);
        var wait = retrying.NextAttemptAt!.Value - failedAt;
        var options = h.Worker.Options;
        Assert.InRange(wait, options.RetryBaseDelay / 2, options.RetryBaseDelay);
        Assert.Equal(1, (await h.GetJobAsync(job.Id)).Counts.Retrying);

        // The rest of the job runs while the failed item waits; the item itself is not due before its time.
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));
        Assert.Equal(JobItemOutcome.Added, (await h.ItemAsync(job.Id, "steady.txt")).Outcome);
        h.Clock.Advance(wait - TimeSpan.FromTicks(1));
        Assert.False(await h.Worker.ProcessNextAsync(job.Id, Ct));
        h.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var done = await h.ItemAsync(job.Id, "flaky.txt");
        Assert.Equal(JobItemState.Succeeded, done.State);
        Assert.Equal(JobItemOutcome.Added, done.Outcome);
        Assert.Equal(2, done.Attempts);
        Assert.Null(done.Error);
        Assert.Equal(2, h.Store.UpsertsOf("flaky.txt"));
        Assert.Equal(1, (await h.DocumentAsync("flaky.txt"))!.Version);
        var finished = await h.GetJobAsync(job.Id);
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(new JobCounts { Total = 2, Done = 2, Added = 2, Chunks = finished.Counts.Chunks, Bytes = finished.Counts.Bytes }, finished.Counts);
    }

    [Fact]
    public async Task ProcessNextAsync_FailsOnEveryAttempt_BacksOffDoublingThenQuarantinesAfterMaxAttempts()
    {
        var options = JobHarness.FastOptions();
        options.MaxAttempts = 4;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(300);
        using var h = await JobHarness.CreateAsync(options);
        h.Store.FailUpserts("doomed.txt", 100);
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("doomed.txt", "A document the index never accepts.")]);

        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            var failedAt = h.Clock.GetUtcNow();
            Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));
            var item = await h.ItemAsync(job.Id, "doomed.txt");
            Assert.Equal(JobItemState.Pending, item.State);
            Assert.Equal(attempt, item.Attempts);
            var cap = Math.Min(100 * Math.Pow(2, attempt - 1), 300);
            Assert.InRange((item.NextAttemptAt!.Value - failedAt).TotalMilliseconds, cap / 2, cap);
            h.Clock.Advance(item.NextAttemptAt.Value - failedAt);
        }

        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var quarantined = await h.ItemAsync(job.Id, "doomed.txt");
        Assert.Equal(JobItemState.Quarantined, quarantined.State);
        Assert.Equal(options.MaxAttempts, quarantined.Attempts);
        Assert.Equal($"Gave up after {options.MaxAttempts} attempts; last error: The index is busy; try again.", quarantined.Error);
        Assert.Equal(options.MaxAttempts, h.Store.UpsertsOf("doomed.txt"));
        Assert.Null(await h.DocumentAsync("doomed.txt"));
        Assert.False(await h.Worker.ProcessNextAsync(job.Id, Ct));
        var finished = await h.GetJobAsync(job.Id);
        Assert.Equal(IngestJobState.CompletedWithErrors, finished.State);
        Assert.Equal(1, finished.Counts.Quarantined);
        Assert.Equal(0, finished.Counts.Retrying);
    }

    [Theory]
    [InlineData("io", "The source could not be read (IOException).")]
    [InlineData("unexpected", "Unexpected error (InvalidOperationException).")]
    public async Task ProcessNextAsync_NonDomainFailureOnLastAttempt_QuarantinesWithoutLeakingItsMessage(string kind, string reason)
    {
        var options = JobHarness.FastOptions();
        options.MaxAttempts = 1;
        using var h = await JobHarness.CreateAsync(options);
        const string Secret = "Data Source=/srv/secret/credentials.db";
        h.Store.FailUpserts("broken.txt", 1, () => kind == "io" ? new IOException(Secret) : new InvalidOperationException(Secret));
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("broken.txt", "A document whose write fails in an unexpected way.")]);

        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = await h.ItemAsync(job.Id, "broken.txt");
        Assert.Equal(JobItemState.Quarantined, item.State);
        Assert.Equal($"Gave up after 1 attempts; last error: {reason}", item.Error);
        Assert.DoesNotContain("secret", item.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1000)]
    [InlineData(40, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public async Task Backoff_Attempt_IsWithinUpperHalfOfDoublingCappedDelay(int attempt, double capMilliseconds)
    {
        var options = JobHarness.FastOptions();
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromSeconds(1);
        using var h = await JobHarness.CreateAsync(options);

        var delays = Enumerable.Range(0, 200).Select(_ => h.Worker.Backoff(attempt).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, capMilliseconds / 2, capMilliseconds));
        // Jitter: workers that failed together do not all come back at the same instant.
        Assert.True(delays.Distinct().Count() > 100, $"{delays.Distinct().Count()} distinct delays of 200");
    }

    // ---------------------------------------------------------------- versions arriving out of order

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DrainAsync_OlderSourceVersionAfterNewer_IsStaleAndRedeliveryIsUnchanged(bool sameJob)
    {
        using var h = await JobHarness.CreateAsync();
        const string Newer = "Version two: the ferry now leaves every hour from pier six.";
        const string Older = "Version one: the ferry leaves every two hours from pier four.";
        var v2 = JobHarness.TextItem("timetable.txt", Newer, sourceVersion: 2);
        var v1 = JobHarness.TextItem("timetable.txt", Older, sourceVersion: 1);

        List<JobItem> items;
        IngestJob staleJob;
        if (sameJob)
        {
            var job = await h.EnqueueUploadsAsync([v2, v1]);
            staleJob = await h.DrainAsync(job.Id);
            items = [.. await h.Jobs.ListItemsAsync(JobHarness.Tenant, job.Id, null, 10, Ct)];
        }
        else
        {
            var first = await h.EnqueueUploadsAsync([v2]);
            await h.DrainAsync(first.Id);
            var second = await h.EnqueueUploadsAsync([v1]);
            staleJob = await h.DrainAsync(second.Id);
            items = [await h.ItemAsync(first.Id, "timetable.txt"), await h.ItemAsync(second.Id, "timetable.txt")];
        }

        Assert.Equal([JobItemOutcome.Added, JobItemOutcome.Stale], items.Select(i => i.Outcome));
        Assert.Equal(1, staleJob.Counts.Stale);
        Assert.Equal(IngestJobState.Succeeded, staleJob.State);
        var document = (await h.DocumentAsync("timetable.txt"))!;
        Assert.Equal(2, document.SourceVersion);
        Assert.Equal(1, document.Version);
        Assert.Equal(Newer, await h.Index.GetDocumentTextAsync(JobHarness.Tenant, "timetable.txt", Ct));
        Assert.Empty(await h.Index.SearchLexicalAsync("four", SearchFilter.ForTenant(JobHarness.Tenant), 10, Ct));

        var again = await h.EnqueueUploadsAsync([JobHarness.TextItem("timetable.txt", Newer, sourceVersion: 2)]);
        var redelivered = await h.DrainAsync(again.Id);

        Assert.Equal(JobItemOutcome.Unchanged, (await h.ItemAsync(again.Id, "timetable.txt")).Outcome);
        Assert.Equal(1, redelivered.Counts.Unchanged);
        Assert.Equal(1, (await h.DocumentAsync("timetable.txt"))!.Version);
        Assert.Equal(1, h.Store.UpsertsOf("timetable.txt"));
    }

    [Fact]
    public async Task RunAsync_ManyVersionsOfOneDocumentRacingOnFourLanes_EndsWithTheNewest()
    {
        var options = JobHarness.FastOptions();
        options.Concurrency = 4;
        using var h = await JobHarness.CreateAsync(options);
        var versions = Enumerable.Range(1, 24).ToArray();
        new Random(7).Shuffle(versions);
        static string Revision(long v) => $"Travel policy revision {v}: trains are booked {v} days ahead.";
        using var stop = new CancellationTokenSource();
        var run = h.Worker.RunAsync(stop.Token);

        var job = await h.EnqueueUploadsAsync([.. versions.Select(v => JobHarness.TextItem("policy.txt", Revision(v), v))]);
        var finished = await JobHarness.PollAsync(() => h.GetJobAsync(job.Id), j => j.FinishedAt is not null, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var document = (await h.DocumentAsync("policy.txt"))!;
        Assert.Equal(versions.Max(), document.SourceVersion);
        Assert.Equal(Revision(versions.Max()), await h.Index.GetDocumentTextAsync(JobHarness.Tenant, "policy.txt", Ct));
        var c = finished.Counts;
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(versions.Length, c.Added + c.Updated + c.Stale);
        // Every write that was applied, and only those, made a new version of the document.
        Assert.Equal(c.Added + c.Updated, document.Version);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>What the document loaders say about <paramref name="content"/>: the reason the worker must record.</summary>
    private static string LoaderReason(byte[] content, string fileName)
    {
        var mediaType = DocumentFormats.Detect(content, fileName, null);
        var error = Assert.Throws<DocumentRejectedException>(
            () => DocumentFormats.CreateDefault().Load(content, mediaType, new IngestionOptions().Limits, Ct));
        return error.Reason;
    }

    private static byte[] TruncatedPdf() =>
        Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [");

    /// <summary>A zip that names a Word body (so it is taken for DOCX) whose parts are not valid XML.</summary>
    private static byte[] DamagedDocx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[]
            {
                ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default"),
                ("word/document.xml", "<w:document><w:body><w:p>unfinished"),
            })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), Encoding.UTF8);
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
