using System.Diagnostics;
using System.Text;
using Verity.Core;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Security;
using Verity.Sqlite.Tests.Jobs;
using Verity.Testing.Telemetry;
using static Verity.Sqlite.Tests.Telemetry.TelemetryPipeline;

namespace Verity.Sqlite.Tests.Telemetry;

/// <summary>The spans of ingestion over a real SQLite index: one per document with a child per stage, and one per
/// queued item around it.</summary>
public sealed class IngestionTracingTests
{
    private const string Text =
        "# Expenses\n\nMeals on business trips are reimbursed up to forty euros a day.\n\n" +
        "## Receipts\n\nKeep every receipt of the trip and attach it to the claim in the finance portal.";

    [Fact]
    public async Task IngestAsync_TextDocument_DocumentSpanWithParseChunkEmbedAndUpsertChildren()
    {
        await using var pipeline = await StartAsync(models: 0, empty: true);
        using var spans = new SpanRecorder();

        var outcome = await pipeline.Ingestion.IngestAsync(Input("expenses", Text), Ct);

        var document = spans.Single("verity.ingest.document");
        SpanRecorder.AssertChildOf(spans.Root, document);
        foreach (var stage in new[] { "verity.ingest.parse", "verity.ingest.chunk", "verity.ingest.embed", "verity.ingest.upsert" })
        {
            SpanRecorder.AssertChildOf(document, spans.Single(stage));
        }

        Assert.Empty(spans.All("verity.ingest.load"));
        Assert.Equal(Tenant, document.GetTagItem("verity.tenant.id"));
        Assert.Equal("expenses", document.GetTagItem("verity.document.id"));
        Assert.Equal("added", document.GetTagItem("verity.ingest.outcome"));
        Assert.Equal(outcome.Chunks, document.GetTagItem("verity.ingest.chunks"));
        var chunk = spans.Single("verity.ingest.chunk");
        Assert.Equal(outcome.Chunks, chunk.GetTagItem("verity.ingest.chunks"));
        Assert.InRange((int)chunk.GetTagItem("verity.ingest.tokens")!, outcome.Chunks, Encoding.UTF8.GetByteCount(Text));
        Assert.Equal(outcome.Chunks, spans.Single("verity.ingest.embed").GetTagItem("verity.embed.inputs"));
        Assert.Equal(pipeline.Embedder.ModelId, spans.Single("verity.ingest.embed").GetTagItem("gen_ai.request.model"));
        var upsert = spans.Single("verity.ingest.upsert");
        Assert.Equal("sqlite", upsert.GetTagItem("db.system"));
        Assert.Equal("added", upsert.GetTagItem("verity.ingest.outcome"));
        Assert.Equal(outcome.Version, upsert.GetTagItem("verity.document.version"));
        AssertNoText(spans);
    }

    [Fact]
    public async Task IngestAsync_UnchangedDocument_OnlyTheDocumentSpanSaysUnchanged()
    {
        await using var pipeline = await StartAsync(models: 0, empty: true);
        await pipeline.Ingestion.IngestAsync(Input("expenses", Text), Ct);
        using var spans = new SpanRecorder();

        await pipeline.Ingestion.IngestAsync(Input("expenses", Text), Ct);

        Assert.Equal("unchanged", spans.Single("verity.ingest.document").GetTagItem("verity.ingest.outcome"));
        Assert.Empty(spans.All("verity.ingest.parse"));
        Assert.Empty(spans.All("verity.ingest.upsert"));
    }

    [Fact]
    public async Task IngestAsync_DocumentWithoutText_DocumentSpanFailsWithTheRejection()
    {
        await using var pipeline = await StartAsync(models: 0, empty: true);
        using var spans = new SpanRecorder();

        await Assert.ThrowsAsync<DocumentRejectedException>(() => pipeline.Ingestion.IngestAsync(Input("blank", " -- \n ** "), Ct));

        var document = spans.Single("verity.ingest.document");
        Assert.Equal(ActivityStatusCode.Error, document.Status);
        Assert.Equal(nameof(DocumentRejectedException), document.StatusDescription);
        Assert.Equal("rejected", document.GetTagItem("verity.ingest.outcome"));
        Assert.Empty(spans.All("verity.ingest.upsert"));
    }

    [Fact]
    public async Task ProcessNextAsync_UploadAndDelete_ItemSpansWrapTheDocumentWork()
    {
        using var h = await JobHarness.CreateAsync();
        var worker = h.Worker;
        var upload = await h.EnqueueUploadsAsync([JobHarness.TextItem("expenses.md", Text)]);
        using var spans = new SpanRecorder();

        Assert.True(await worker.ProcessNextAsync(upload.Id, Ct));
        var delete = await h.Orchestration.EnqueueAsync(
            new NewIngestJob { TenantId = JobHarness.Tenant, Kind = "upload", Source = "api" },
            [new NewJobItem { DocumentId = "expenses.md", Action = JobItemAction.Delete, Descriptor = new JobItemDescriptor().ToJson() }],
            Ct);
        Assert.True(await worker.ProcessNextAsync(delete.Id, Ct));

        var items = spans.All("verity.ingest.item");
        Assert.Equal(["upsert", "delete"], items.Select(i => i.GetTagItem("verity.ingest.action")));
        Assert.Equal(["added", "removed"], items.Select(i => i.GetTagItem("verity.ingest.outcome")));
        Assert.Equal([upload.Id, delete.Id], items.Select(i => i.GetTagItem("verity.job.id")));
        Assert.All(items, i => Assert.Equal("expenses.md", i.GetTagItem("verity.document.id")));
        SpanRecorder.AssertChildOf(items[0], spans.Single("verity.ingest.document"));
        AssertNoText(spans);
    }

    private static DocumentInput Input(string id, string text) =>
        new() { TenantId = Tenant, Id = id, Title = "Travel policy", Text = text, MediaType = MediaTypes.Markdown, Source = "test", Acl = DocumentAcl.Public };

    private static void AssertNoText(SpanRecorder spans)
    {
        string[] content = ["Meals", "forty euros", "receipt", "finance portal", "Expenses\n"];
        foreach (var (span, key, value) in spans.AttributeValues())
        {
            Assert.False(content.Any(c => value.Contains(c, StringComparison.OrdinalIgnoreCase)), $"{span} {key} quotes the document: {value}");
        }
    }
}
