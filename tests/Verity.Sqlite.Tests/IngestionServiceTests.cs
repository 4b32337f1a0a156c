using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Connectors;
using Verity.Core.Model;
using Verity.Core.Text;

namespace Verity.Sqlite.Tests;

/// <summary>Ingestion end to end: files on disk → <see cref="IngestionService"/> → a real SQLite index.</summary>
public sealed class IngestionServiceTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "tenant-a";

    private const string GuideMarkdown = """
        # Deployment guide

        This guide explains how the service is deployed to production.

        ## Rotating keys

        Rotate the signing keys every ninety days using the rotation command.
        """;

    private const string NotesText = "Meeting notes\n\nThe lighthouse keeper logs the weather every evening.\n";

    private const string PricingHtml = """
        <!doctype html>
        <html><head><title>Pricing</title><script>var tracking = true;</script></head>
        <body><h1>Pricing plans</h1><p>The growth plan includes priority support and audit logs.</p></body></html>
        """;

    private const string FaqMarkdown = "# FAQ\n\nHow do I reset a password? Open the account page and choose reset.\n";

    private static readonly string[] StandardFiles = ["guide.md", "notes.txt", "page.html", "sub/deep/faq.md"];

    private readonly TempDirectory _temp = new();
    private readonly HashingEmbeddingGenerator _hashing = new();
    private readonly CountingEmbeddingGenerator _embedder;
    private SqliteIndexStore _store = null!;

    public IngestionServiceTests()
    {
        _embedder = new CountingEmbeddingGenerator(_hashing);
        Root = _temp.Combine("docs");
        Directory.CreateDirectory(Root);
    }

    private static CancellationToken Ct => CancellationToken.None;

    private string Root { get; }

    private string Source => "fs:" + Path.GetFullPath(Root);

    public async Task InitializeAsync()
    {
        // The index lives beside the synced folder, not in it.
        _store = new SqliteIndexStore(new SqliteStoreOptions { Path = _temp.Combine("index", "verity.db") }, NullLogger<SqliteIndexStore>.Instance);
        await _store.InitializeAsync(new IndexConfiguration(_hashing.ModelId, _hashing.Dimensions, new ChunkingOptions().Version), Ct);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Dispose();

    // ---------------------------------------------------------------- SyncDirectoryAsync

    [Fact]
    public async Task SyncDirectoryAsync_FirstSync_AddsEveryFile()
    {
        WriteStandardFiles();
        var service = CreateService();

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(4, summary.Added);
        Assert.Equal(0, summary.Updated);
        Assert.Equal(0, summary.Unchanged);
        Assert.Equal(0, summary.Removed);
        Assert.Equal(0, summary.Ignored);
        Assert.Empty(summary.Failed);

        var documents = await ListAsync();
        Assert.Equal(StandardFiles, documents.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(documents, d => Assert.Equal(1, d.Version));
        Assert.All(documents, d => Assert.Equal(Source, d.Source));
        Assert.All(documents, d => Assert.Equal(_hashing.ModelId, d.EmbeddingModel));
        Assert.Equal(documents.Sum(d => d.ChunkCount), summary.ChunksEmbedded);
        Assert.Equal(summary.ChunksEmbedded, _embedder.Inputs);

        var byId = documents.ToDictionary(d => d.Id, StringComparer.Ordinal);
        Assert.Equal(MediaTypes.Markdown, byId["guide.md"].MediaType);
        Assert.Equal(MediaTypes.PlainText, byId["notes.txt"].MediaType);
        Assert.Equal(MediaTypes.Html, byId["page.html"].MediaType);
        Assert.Equal("Deployment guide", byId["guide.md"].Title);
        Assert.Equal("Meeting notes", byId["notes.txt"].Title);
        Assert.Equal(new Uri(Path.Combine(Root, "sub", "deep", "faq.md")).AbsoluteUri, byId["sub/deep/faq.md"].Uri);

        Assert.Equal("notes.txt", (await LexicalAsync("lighthouse keeper"))[0].Chunk.DocumentId);
        Assert.Equal("page.html", (await LexicalAsync("growth plan priority support"))[0].Chunk.DocumentId);
        Assert.Empty(await LexicalAsync("tracking"));
    }

    [Fact]
    public async Task SyncDirectoryAsync_NothingChanged_ReportsAllUnchangedAndEmbedsNothing()
    {
        WriteStandardFiles();
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);
        File.SetLastWriteTimeUtc(Path.Combine(Root, "notes.txt"), DateTime.UtcNow.AddHours(1));
        _embedder.Reset();

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(4, summary.Unchanged);
        Assert.Equal(0, summary.Added);
        Assert.Equal(0, summary.Updated);
        Assert.Equal(0, summary.Removed);
        Assert.Empty(summary.Failed);
        Assert.Equal(0, summary.ChunksEmbedded);
        Assert.Equal(0, _embedder.Calls);
        Assert.All(await ListAsync(), d => Assert.Equal(1, d.Version));
    }

    [Fact]
    public async Task SyncDirectoryAsync_OneFileModified_UpdatesAndReembedsOnlyThatFile()
    {
        WriteStandardFiles();
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);
        WriteText("notes.txt", "Meeting notes\n\nThe harbour master records the tides every morning.\n");
        _embedder.Reset();

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(1, summary.Updated);
        Assert.Equal(3, summary.Unchanged);
        Assert.Equal(0, summary.Added);
        Assert.Equal(0, summary.Removed);
        var notes = await _store.GetDocumentAsync(Tenant, "notes.txt", Ct);
        Assert.NotNull(notes);
        Assert.Equal(2, notes.Version);
        Assert.Equal(notes.ChunkCount, summary.ChunksEmbedded);
        Assert.Equal(notes.ChunkCount, _embedder.Inputs);
        Assert.All((await ListAsync()).Where(d => d.Id != "notes.txt"), d => Assert.Equal(1, d.Version));
        Assert.Equal("notes.txt", Assert.Single(await LexicalAsync("harbour tides")).Chunk.DocumentId);
        Assert.Empty(await LexicalAsync("lighthouse keeper"));
    }

    [Fact]
    public async Task SyncDirectoryAsync_FileDeleted_RemovesItsDocument()
    {
        WriteStandardFiles();
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);
        File.Delete(Path.Combine(Root, "page.html"));

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(1, summary.Removed);
        Assert.Equal(3, summary.Unchanged);
        Assert.Null(await _store.GetDocumentAsync(Tenant, "page.html", Ct));
        Assert.Empty(await LexicalAsync("growth plan priority support"));
        Assert.DoesNotContain(
            await _store.SearchDenseAsync(_hashing.Embed("Pricing plans growth plan priority support"), SearchFilter.ForTenant(Tenant), 50, Ct),
            r => r.Chunk.DocumentId == "page.html");
        Assert.Equal(3, (await _store.GetStatisticsAsync(Tenant, Ct)).Documents);
    }

    [Fact]
    public async Task SyncDirectoryAsync_ChunkingOptionsChanged_RechunksEveryDocument()
    {
        WriteStandardFiles();
        WriteText("long.md", "# Long\n\n" + string.Join("\n\n", Enumerable.Range(0, 30).Select(i =>
            $"Paragraph {i} describes how the observatory calibrates telescope mirror segment {i} before each night of observation.")));
        await SyncAsync(CreateService(), Root, Tenant, null, Ct);
        var before = (await _store.GetDocumentAsync(Tenant, "long.md", Ct))!;
        var smaller = new ChunkingOptions { MaxTokens = 64, OverlapTokens = 8 };
        var service = CreateService(smaller);
        _embedder.Reset();

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(5, summary.Updated);
        Assert.Equal(0, summary.Unchanged);
        Assert.Equal(0, summary.Added);
        var documents = await ListAsync();
        Assert.All(documents, d => Assert.Equal(smaller.Version, d.ChunkerVersion));
        Assert.All(documents, d => Assert.Equal(2, d.Version));
        Assert.NotEqual(new ChunkingOptions().Version, smaller.Version);
        var after = documents.Single(d => d.Id == "long.md");
        Assert.True(after.ChunkCount > before.ChunkCount, $"{after.ChunkCount} chunks after, {before.ChunkCount} before");
        Assert.Equal(documents.Sum(d => d.ChunkCount), summary.ChunksEmbedded);
        Assert.Equal(summary.ChunksEmbedded, _embedder.Inputs);
        Assert.Equal(documents.Sum(d => d.ChunkCount), (await _store.GetStatisticsAsync(Tenant, Ct)).Chunks);

        _embedder.Reset();
        var again = await SyncAsync(service, Root, Tenant, null, Ct);
        Assert.Equal(5, again.Unchanged);
        Assert.Equal(0, _embedder.Calls);
    }

    [Fact]
    public async Task SyncDirectoryAsync_BadFilesInBatch_ReportsEachWithReasonAndIngestsTheRest()
    {
        WriteStandardFiles();
        WriteBytes("binary.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00]);
        WriteBytes("nul.txt", Encoding.UTF8.GetBytes("Readable words\0with a NUL byte in the middle of them."));
        WriteBytes("latin1.txt", Encoding.Latin1.GetBytes("Un café crème, s'il vous plaît, à la terrasse."));
        WriteBytes("empty.md", []);
        WriteText("blank.txt", "   \n\t\n  \r\n \u00A0 ");
        WriteText("script-only.html", "<html><body><script>document.write('hi')</script></body></html>");
        WriteText("control.txt", new string('\u0001', 200) + " some text " + new string('\u0002', 200));
        WriteHuge("huge.txt", 50L * 1024 * 1024);
        var service = CreateService();

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        // Latin-1 is not refused but read with the legacy fallback: the accents survive.
        Assert.Equal(5, summary.Added);
        Assert.Contains("café crème", await _store.GetDocumentTextAsync(Tenant, "latin1.txt", Ct), StringComparison.Ordinal);
        Assert.Equal(0, summary.Ignored);
        var reasons = summary.Failed.ToDictionary(f => f.Path, f => f.Reason, StringComparer.Ordinal);
        Assert.Equal(
            ["binary.txt", "blank.txt", "control.txt", "empty.md", "huge.txt", "nul.txt", "script-only.html"],
            reasons.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("binary", reasons["binary.txt"], StringComparison.Ordinal);
        Assert.Contains("binary", reasons["nul.txt"], StringComparison.Ordinal);
        Assert.Contains("no text", reasons["empty.md"], StringComparison.Ordinal);
        Assert.Contains("no text", reasons["blank.txt"], StringComparison.Ordinal);
        Assert.Contains("no text", reasons["script-only.html"], StringComparison.Ordinal);
        Assert.Contains("control characters", reasons["control.txt"], StringComparison.Ordinal);
        Assert.Contains("50 MB", reasons["huge.txt"], StringComparison.Ordinal);
        Assert.Contains("10 MB", reasons["huge.txt"], StringComparison.Ordinal);
        Assert.Contains("MaxDocumentBytes", reasons["huge.txt"], StringComparison.Ordinal);

        Assert.Equal(StandardFiles.Append("latin1.txt").Order(StringComparer.Ordinal), (await ListAsync()).Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SyncDirectoryAsync_IngestedFileBecomesUndecodable_KeepsPreviousVersion()
    {
        WriteStandardFiles();
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);
        WriteBytes("notes.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00]);
        WriteBytes("guide.md", []);

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(["guide.md", "notes.txt"], summary.Failed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(0, summary.Removed);
        Assert.Equal(2, summary.Unchanged);
        var notes = await _store.GetDocumentAsync(Tenant, "notes.txt", Ct);
        Assert.NotNull(notes);
        Assert.Equal(1, notes.Version);
        Assert.Equal(1, (await _store.GetDocumentAsync(Tenant, "guide.md", Ct))!.Version);
        Assert.Equal("notes.txt", (await LexicalAsync("lighthouse keeper"))[0].Chunk.DocumentId);
        Assert.Equal("guide.md", (await LexicalAsync("rotate signing keys"))[0].Chunk.DocumentId);
        Assert.Equal(4, (await _store.GetStatisticsAsync(Tenant, Ct)).Documents);
    }

    [Fact]
    public async Task SyncDirectoryAsync_UnsupportedExtensions_CountedAsIgnored()
    {
        WriteStandardFiles();
        WriteBytes("image.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00]);
        WriteBytes("archive.zip", [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        WriteText("sub/tool.exe", "MZ");

        var summary = await SyncAsync(CreateService(), Root, Tenant, null, Ct);

        Assert.Equal(3, summary.Ignored);
        Assert.Equal(4, summary.Added);
        Assert.Empty(summary.Failed);
        Assert.Equal(StandardFiles, (await ListAsync()).Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SyncDirectoryAsync_HiddenFilesAndFolders_AreSkipped()
    {
        WriteText("visible.md", "# Visible\n\nThis document is about cormorants.\n");
        WriteText(".git/HEAD", "ref: refs/heads/main\n");
        WriteText(".git/notes.md", "# Git internal\n\nThis must never be indexed: cormorants.\n");
        WriteText(".hidden.md", "# Hidden\n\nDotfile content about cormorants.\n");
        WriteText("sub/.secret/keys.txt", "Secret content about cormorants.\n");
        WriteText("sub/.env.txt", "Environment about cormorants.\n");

        var summary = await SyncAsync(CreateService(), Root, Tenant, null, Ct);

        Assert.Equal(1, summary.Added);
        Assert.Equal(0, summary.Ignored);
        Assert.Empty(summary.Failed);
        Assert.Equal(["visible.md"], (await ListAsync()).Select(d => d.Id));
        Assert.Equal("visible.md", Assert.Single(await LexicalAsync("cormorants")).Chunk.DocumentId);
    }

    [Fact]
    public async Task SyncDirectoryAsync_MissingFolder_ThrowsInvalidRequestException()
    {
        await Assert.ThrowsAsync<InvalidRequestException>(
            () => SyncAsync(CreateService(), Path.Combine(Root, "does-not-exist"), Tenant, null, Ct));
    }

    [Fact]
    public async Task SyncDirectoryAsync_SameFolderForTwoTenants_KeepsTheirIndexesSeparate()
    {
        WriteStandardFiles();
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);
        await SyncAsync(service, Root, "tenant-b", null, Ct);
        File.Delete(Path.Combine(Root, "notes.txt"));

        var summary = await SyncAsync(service, Root, Tenant, null, Ct);

        Assert.Equal(1, summary.Removed);
        Assert.Null(await _store.GetDocumentAsync(Tenant, "notes.txt", Ct));
        Assert.NotNull(await _store.GetDocumentAsync("tenant-b", "notes.txt", Ct));
        Assert.Equal(4, (await _store.GetStatisticsAsync("tenant-b", Ct)).Documents);
    }

    [Fact]
    public async Task SyncDirectoryAsync_Progress_ReportsEveryFile()
    {
        WriteStandardFiles();
        var reports = new List<SyncProgress>();

        await SyncAsync(CreateService(), Root, Tenant, new SynchronousProgress(reports), Ct);

        // Progress is the job's: items done of items queued, never going back, ending with all done.
        var job = Assert.Single(reports.Where(r => r.Total > 0).Select(r => r.CurrentPath).Distinct());
        Assert.StartsWith("job_", job, StringComparison.Ordinal);
        Assert.Equal(reports.Where(r => r.Total > 0).Select(r => r.Done).Order(), reports.Where(r => r.Total > 0).Select(r => r.Done));
        Assert.Equal(new SyncProgress(4, 4, job), reports[^1]);
    }

    // ---------------------------------------------------------------- IngestAsync

    [Fact]
    public async Task IngestAsync_SameIdAndText_AddedThenUnchangedThenUpdatedOnChange()
    {
        var service = CreateService();
        var input = TextInput("api-1", "Ferries to the island leave every two hours from pier four.");

        var added = await service.IngestAsync(input, Ct);
        _embedder.Reset();
        var unchanged = await service.IngestAsync(input, Ct);
        var embeddingCallsForUnchanged = _embedder.Calls;
        var updated = await service.IngestAsync(input with { Text = "Ferries to the island now leave every hour from pier six." }, Ct);

        Assert.Equal(new IngestOutcome(IngestStatus.Added, "api-1", 1, 1), added);
        Assert.Equal(new IngestOutcome(IngestStatus.Unchanged, "api-1", 1, 1), unchanged);
        Assert.Equal(0, embeddingCallsForUnchanged);
        Assert.Equal(IngestStatus.Updated, updated.Status);
        Assert.Equal(2, updated.Version);
        Assert.Equal("Ferries to the island now leave every hour from pier six.", await _store.GetDocumentTextAsync(Tenant, "api-1", Ct));
        Assert.Empty(await LexicalAsync("four"));
        Assert.Equal("api-1", Assert.Single(await LexicalAsync("six")).Chunk.DocumentId);
    }

    [Fact]
    public async Task IngestAsync_MetadataChanged_Updates()
    {
        var service = CreateService();
        var input = TextInput("api-1", "Ferry timetable text.");
        await service.IngestAsync(input, Ct);

        var outcome = await service.IngestAsync(input with { Metadata = new Dictionary<string, string> { ["team"] = "ops" } }, Ct);

        Assert.Equal(IngestStatus.Updated, outcome.Status);
        Assert.Equal("ops", (await _store.GetDocumentAsync(Tenant, "api-1", Ct))!.Metadata["team"]);
    }

    [Fact]
    public async Task IngestAsync_ControlCharactersInTitleAndMetadata_AreDroppedBeforeStoring()
    {
        var service = CreateService();
        var input = TextInput("api-nul", "Harbour pilot schedule for the winter months.") with
        {
            Title = "Pilot\u0000 schedule\u0007",
            Metadata = new Dictionary<string, string> { ["team\u0000"] = "ha\u0000rbour\u001F" },
        };

        await service.IngestAsync(input, Ct);

        var stored = (await _store.GetDocumentAsync(Tenant, "api-nul", Ct))!;
        Assert.Equal("Pilot schedule", stored.Title);
        Assert.Equal("harbour", stored.Metadata["team"]);
        Assert.DoesNotContain(stored.Metadata, pair => pair.Key.Any(char.IsControl) || pair.Value.Any(char.IsControl));
    }

    [Fact]
    public async Task IngestAsync_NoId_GeneratesAFreshId()
    {
        var service = CreateService();
        var input = TextInput(null, "Anonymous note about moorland walks.");

        var first = await service.IngestAsync(input, Ct);
        var second = await service.IngestAsync(input, Ct);

        Assert.Equal(IngestStatus.Added, first.Status);
        Assert.Equal(IngestStatus.Added, second.Status);
        Assert.StartsWith("doc_", first.DocumentId, StringComparison.Ordinal);
        Assert.NotEqual(first.DocumentId, second.DocumentId);
        Assert.NotNull(await _store.GetDocumentAsync(Tenant, first.DocumentId, Ct));
        Assert.Equal(2, (await _store.GetStatisticsAsync(Tenant, Ct)).Documents);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t\r\n \u00A0 ")]
    [InlineData("—— … !!! ???")]
    public async Task IngestAsync_NoText_ThrowsDocumentRejectedException(string text)
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => CreateService().IngestAsync(TextInput("empty", text), Ct));

        Assert.Contains("no text", error.Reason, StringComparison.Ordinal);
        Assert.Null(await _store.GetDocumentAsync(Tenant, "empty", Ct));
        Assert.Equal(0, _embedder.Calls);
    }

    [Fact]
    public async Task IngestAsync_TextOverSizeLimit_ThrowsDocumentRejectedException()
    {
        var service = CreateService(options: new IngestionOptions { MaxDocumentBytes = 1024 });

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(
            () => service.IngestAsync(TextInput("big", string.Join(' ', Enumerable.Repeat("word", 400))), Ct));

        Assert.Contains("MaxDocumentBytes", error.Reason, StringComparison.Ordinal);
        Assert.Null(await _store.GetDocumentAsync(Tenant, "big", Ct));
    }

    [Fact]
    public async Task IngestAsync_UnsupportedMediaType_ThrowsDocumentRejectedException()
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(
            () => CreateService().IngestAsync(TextInput("pdf", "Some text.") with { MediaType = "application/pdf" }, Ct));

        Assert.Contains("application/pdf", error.Reason, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- helpers

    [Fact]
    public async Task SyncDirectoryAsync_PathAlreadyUsedByAnotherSource_IsRefusedAndTheOtherDocumentKept()
    {
        WriteText("readme.md", "# Team A\n\nTeam A owns the billing service and its alerts.");
        var service = CreateService();
        await SyncAsync(service, Root, Tenant, null, Ct);

        var other = _temp.Combine("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "readme.md"), "# Team B\n\nTeam B owns the search cluster.");
        File.WriteAllText(Path.Combine(other, "extra.md"), "# Extra\n\nThe extra page survives a refused neighbour.");
        var summary = await SyncAsync(service, other, Tenant, null, Ct);

        var failure = Assert.Single(summary.Failed);
        Assert.Equal("readme.md", failure.Path);
        Assert.Contains("another source", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(1, summary.Added);
        var kept = await _store.GetDocumentAsync(Tenant, "readme.md", Ct);
        Assert.Equal(Source, kept!.Source);
        Assert.Equal(1, kept.Version);

        var again = await SyncAsync(service, Root, Tenant, null, Ct);
        Assert.Equal(1, again.Unchanged);
        Assert.Equal(0, again.Removed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task IngestAsync_BlankId_IsAnInvalidRequest(string id)
    {
        await Assert.ThrowsAsync<InvalidRequestException>(() => CreateService().IngestAsync(
            new DocumentInput { TenantId = Tenant, Id = id, Text = "Some text here.", Source = "api", MediaType = MediaTypes.PlainText }, Ct));
    }

    // Folder sync runs the way the product runs it: a folder scan becomes a durable job that a worker drains.
    private async Task<SyncSummary> SyncAsync(
        IngestionService service, string root, string tenant, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        using var jobs = new SqliteIngestJobStore(new SqliteStoreOptions { Path = _temp.Combine("index", "verity.db") }, NullLogger<SqliteIngestJobStore>.Instance);
        using var worker = new IngestionWorker(
            jobs, _store, service, new IngestionWorkerOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(5) }, NullLogger<IngestionWorker>.Instance);
        var orchestration = new IngestionJobs(jobs, _store, service, worker, NullLogger<IngestionJobs>.Instance);
        return await orchestration.SyncAsync(new FolderConnector(root), tenant, progress, cancellationToken);
    }

    private IngestionService CreateService(ChunkingOptions? chunking = null, IngestionOptions? options = null) =>
        new(
            _store,
            _embedder,
            DocumentFormats.CreateDefault(),
            new RecursiveChunker(new TiktokenTokenCounter(), chunking ?? new ChunkingOptions()),
            options ?? new IngestionOptions(),
            NullLogger<IngestionService>.Instance);

    private static DocumentInput TextInput(string? id, string text) => new()
    {
        TenantId = Tenant,
        Id = id,
        Text = text,
        Source = "api",
        MediaType = MediaTypes.PlainText,
    };

    private void WriteStandardFiles()
    {
        WriteText("guide.md", GuideMarkdown);
        WriteText("notes.txt", NotesText);
        WriteText("page.html", PricingHtml);
        WriteText("sub/deep/faq.md", FaqMarkdown);
    }

    private void WriteText(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text));

    private void WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private void WriteHuge(string relative, long size)
    {
        var block = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("All work and no play makes a very large text file.\n", 20_000)));
        using var stream = File.Create(Path.Combine(Root, relative));
        for (long written = 0; written < size; written += block.Length)
        {
            stream.Write(block, 0, (int)Math.Min(block.Length, size - written));
        }
    }

    private async Task<List<DocumentRecord>> ListAsync()
    {
        var page = await _store.ListDocumentsAsync(new DocumentListQuery { TenantId = Tenant, Limit = 1000 }, Ct);
        return [.. page.Documents];
    }

    private Task<IReadOnlyList<ScoredChunk>> LexicalAsync(string query) =>
        _store.SearchLexicalAsync(query, SearchFilter.ForTenant(Tenant), 10, Ct);

    private sealed class SynchronousProgress(List<SyncProgress> reports) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => reports.Add(value);
    }
}
