using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Model;
using Verity.Core.Telemetry;

namespace Verity.Core.Ingestion;

/// <summary>
/// Text → normalise → parse → chunk → embed → one atomic upsert. A document whose content hash, chunking version
/// and embedding model are unchanged costs a lookup and nothing more. Traced as <c>verity.ingest.document</c> with a
/// span per stage; every outcome (rejections included) is counted in <see cref="RagMetrics"/> when one is given.
/// </summary>
public sealed partial class IngestionService
{
    private readonly IIndexStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly DocumentFormats _formats;
    private readonly IChunker _chunker;
    private readonly IngestionOptions _options;
    private readonly ILogger _logger;
    private readonly string _embeddingModel;
    private readonly Guardrails.PiiRedactor? _redactor;
    private readonly RagMetrics? _metrics;
    private readonly string _dbSystem;

    public IngestionService(
        IIndexStore store,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        DocumentFormats formats,
        IChunker chunker,
        IngestionOptions options,
        ILogger<IngestionService> logger,
        Guardrails.GuardrailOptions? guardrails = null,
        RagMetrics? metrics = null)
    {
        _redactor = guardrails is { RedactPiiAtIngestion: true } ? Guardrails.PiiRedactor.FromOptions(guardrails) : null;
        _store = store;
        _embedder = embedder;
        _formats = formats;
        _chunker = chunker;
        _options = options;
        _logger = logger;
        _embeddingModel = EmbeddingModelOf(embedder);
        _metrics = metrics;
        _dbSystem = Spans.DbSystem(store);
    }

    public IngestionOptions Options => _options;

    public static string EmbeddingModelOf(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
        ?? throw new InvalidOperationException("The embedding generator does not report its model id.");

    public async Task<IngestOutcome> IngestAsync(DocumentInput input, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.IngestDocument);
        span?.SetTag(Tags.Tenant, input.TenantId).SetTag(Tags.DocumentId, input.Id);
        try
        {
            var outcome = await IngestCoreAsync(input, cancellationToken).ConfigureAwait(false);
            var name = IngestOutcomes.Of(outcome.Status);
            _metrics?.RecordIngested(name);
            span?.SetTag(Tags.DocumentId, outcome.DocumentId)
                .SetTag(Tags.IngestOutcome, outcome.Status == IngestStatus.Stale ? "stale" : name)
                .SetTag(Tags.Chunks, outcome.Chunks);
            return outcome;
        }
        catch (DocumentRejectedException e)
        {
            _metrics?.RecordIngested(IngestOutcomes.Rejected);
            _metrics?.RecordIngestFailure();
            span?.SetTag(Tags.IngestOutcome, IngestOutcomes.Rejected);
            Spans.MarkFailed(span, e);
            throw;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private async Task<IngestOutcome> IngestCoreAsync(DocumentInput input, CancellationToken cancellationToken)
    {
        if (input.Id is not null && string.IsNullOrWhiteSpace(input.Id))
        {
            throw new InvalidRequestException("A document id must not be empty or blank.", "id");
        }

        var fingerprint = Fingerprint(input);
        var existing = input.Id is null
            ? null
            : await _store.GetDocumentAsync(input.TenantId, input.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null && IsStale(existing, input))
        {
            Log.DocumentStale(_logger, existing.Id, input.SourceVersion ?? 0, existing.SourceVersion ?? 0);
            return new IngestOutcome(IngestStatus.Stale, existing.Id, existing.ChunkCount, existing.Version);
        }

        if (existing is not null && IsCurrent(existing.ContentHash, existing.ChunkerVersion, existing.EmbeddingModel, fingerprint.Hash)
            && existing.Source == input.Source)
        {
            return new IngestOutcome(IngestStatus.Unchanged, existing.Id, existing.ChunkCount, existing.Version);
        }

        var prepared = await PrepareAsync(input, fingerprint, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(input, prepared, existing is null ? IngestStatus.Added : IngestStatus.Updated, cancellationToken)
            .ConfigureAwait(false);
    }

    private static bool IsStale(DocumentRecord existing, DocumentInput input) =>
        input.SourceVersion is { } incoming && existing.SourceVersion is { } stored && incoming < stored;

    /// <summary>True when a document was chunked and embedded the way this service would do it now; a document that
    /// was not must be re-read by the next sync even if its source did not change.</summary>
    public bool IsCurrentConfiguration(DocumentFingerprint fingerprint) =>
        fingerprint.ChunkerVersion == _chunker.Version && fingerprint.EmbeddingModel == _embeddingModel;

    private bool IsCurrent(string hash, string chunkerVersion, string embeddingModel, string newHash) =>
        hash == newHash && chunkerVersion == _chunker.Version && embeddingModel == _embeddingModel;

    /// <summary>A size for people: "3.2 MB", "12 kB", "900 bytes".</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024.0):0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} kB",
        _ => $"{bytes} bytes",
    };
}
