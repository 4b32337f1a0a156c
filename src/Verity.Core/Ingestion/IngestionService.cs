using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Telemetry;
using Verity.Core.Text;

namespace Verity.Core.Ingestion;

/// <summary>
/// Text → normalise → parse → chunk → embed → one atomic upsert. A document whose content hash, chunking version
/// and embedding model are unchanged costs a lookup and nothing more. Traced as <c>verity.ingest.document</c> with a
/// span per stage; every outcome (rejections included) is counted in <see cref="RagMetrics"/> when one is given.
/// </summary>
public sealed class IngestionService
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

    /// <summary>What decides whether a document changed: its content (normalised text, or the file's bytes) and
    /// every input that shapes the index entry. Computed before parsing, so an unchanged document is never parsed,
    /// chunked or embedded.</summary>
    private Fingerprinted Fingerprint(DocumentInput input)
    {
        if ((input.Text is null) == (input.Content is null))
        {
            throw new InvalidRequestException("A document needs either text or file content.", "text");
        }

        var metadata = input.Metadata ?? DocumentRecord.EmptyMetadata;
        var acl = input.Acl ?? DocumentAcl.Public;
        string mediaType, hash;
        string? text = null;
        if (input.Content is { } content)
        {
            if (content.Length > _options.MaxDocumentBytes)
            {
                throw new DocumentRejectedException(
                    $"The document is {FormatBytes(content.Length)}; the limit is {FormatBytes(_options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
            }

            mediaType = DocumentFormats.Detect(content.Span, input.FileName, input.MediaType);
            EnsureSupported(mediaType);
            hash = ContentHash.Compute(content.Span, Shape(input, mediaType, acl), metadata);
        }
        else
        {
            if (Encoding.UTF8.GetByteCount(input.Text!) > _options.MaxDocumentBytes)
            {
                throw new DocumentRejectedException(
                    $"The document is larger than {FormatBytes(_options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
            }

            // Redaction comes before hashing, so the stored text, its chunks and its hash all agree.
            text = Redact(TextNormalizer.Normalize(input.Text!));
            mediaType = MediaTypes.Sniff(MediaTypes.Canonical(input.MediaType) ?? MediaTypes.PlainText, text);
            EnsureSupported(mediaType);
            hash = ContentHash.Compute(text, Shape(input, mediaType, acl), metadata);
        }

        return new Fingerprinted(text, mediaType, metadata, hash);
    }

    private void EnsureSupported(string mediaType) => _formats.EnsureSupported(mediaType);

    // Dates are left out on purpose: touching a file (a checkout, a copy) changes its time but not its content,
    // and must not cost a re-embed.
    private static string Shape(DocumentInput input, string mediaType, DocumentAcl acl) =>
        $"{mediaType}\n{input.Title}\n{input.FallbackTitle}\n{input.Uri}\n{acl.Canonical}\n{input.Author}";

    private string Redact(string text) => _redactor is null ? text : _redactor.Redact(text).Text;

    /// <summary>Parses (binary formats on a worker thread, within <see cref="IngestionOptions.DocumentTimeout"/>),
    /// normalises the sections and settles the title and metadata.</summary>
    private async Task<PreparedDocument> PrepareAsync(DocumentInput input, Fingerprinted fingerprint, CancellationToken cancellationToken)
    {
        ParsedDocument parsed;
        using (var span = Spans.Start(fingerprint.Text is null ? Spans.IngestLoad : Spans.IngestParse))
        {
            span?.SetTag(Tags.MediaType, fingerprint.MediaType)
                .SetTag(Tags.DocumentBytes, input.Content?.Length ?? Encoding.UTF8.GetByteCount(fingerprint.Text!));
            try
            {
                parsed = fingerprint.Text is { } text
                    ? _formats.Parse(fingerprint.MediaType, text)
                    : await LoadWithTimeoutAsync(input.Content!.Value, fingerprint.MediaType, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Spans.Fail(span, e))
            {
                throw;
            }

            span?.SetTag(Tags.Sections, parsed.Sections.Count);
        }

        var binary = fingerprint.Text is null;
        var sections = parsed.Sections
            .Select(s => s with { Text = binary ? Redact(TextNormalizer.Normalize(s.Text)) : TextNormalizer.Normalize(s.Text) })
            .Where(s => s.Text.Length > 0)
            .ToList();
        var document = parsed with { Sections = sections };
        var fullText = document.FullText;
        if (fullText.Length == 0 || Terms.Words(fullText).Count == 0)
        {
            throw new DocumentRejectedException("The document contains no text.");
        }

        var title = WithoutControls(FirstNonEmpty(input.Title, parsed.Title, input.FallbackTitle) ?? "Untitled").Trim();
        var id = input.Id ?? "doc_" + Guid.CreateVersion7().ToString("N");
        var metadata = MergeMetadata(input, parsed.Properties, title, fingerprint);
        return new PreparedDocument(id, title, fullText, document, fingerprint.Hash, metadata, fingerprint.MediaType);
    }

    private async Task<ParsedDocument> LoadWithTimeoutAsync(
        ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DocumentTimeout);
        var limits = _options.Limits;
        try
        {
            // Loaders check the token between pages and parts; WaitAsync also gives up on one that does not.
            return await Task.Run(() => _formats.Load(content, mediaType, limits, timeout.Token), timeout.Token)
                .WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DocumentRejectedException(
                $"Reading the document took longer than {_options.DocumentTimeout.TotalSeconds:0.#} s (Ingestion:DocumentTimeout).");
        }
    }

    // Standard keys first, the caller's own keys over them: a caller who says who the author is knows better than
    // the file's properties. The media type is always the detected one.
    private static Dictionary<string, string> MergeMetadata(
        DocumentInput input, DocumentProperties properties, string title, Fingerprinted fingerprint)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                metadata[WithoutControls(key)] = WithoutControls(value).Trim();
            }
        }

        Set(MetadataKeys.Title, title);
        Set(MetadataKeys.SourceUri, input.Uri);
        Set(MetadataKeys.Author, input.Author ?? properties.Author);
        var created = input.Created ?? properties.Created;
        var modified = input.Modified ?? properties.Modified;
        Set(MetadataKeys.Created, created is { } c ? MetadataKeys.FormatDate(c) : null);
        Set(MetadataKeys.Modified, modified is { } m ? MetadataKeys.FormatDate(m) : null);
        foreach (var (key, value) in properties.Metadata)
        {
            Set(key, value);
        }

        foreach (var (key, value) in fingerprint.Metadata)
        {
            metadata[WithoutControls(key)] = WithoutControls(value);
        }

        metadata[MetadataKeys.MediaType] = fingerprint.MediaType;
        return metadata;
    }

    // File properties carry NULs and other control characters (a PDF title in UTF-16 often ends in one); they mean
    // nothing, break display, and PostgreSQL text cannot hold a NUL at all.
    private static string WithoutControls(string value) =>
        value.Any(char.IsControl) ? string.Concat(value.Where(c => !char.IsControl(c))) : value;

    private async Task<IngestOutcome> WriteAsync(
        DocumentInput input, PreparedDocument prepared, IngestStatus status, CancellationToken cancellationToken)
    {
        var chunked = Chunk(prepared.Parsed);
        var records = await EmbedAsync(prepared.Title, chunked.Chunks, cancellationToken).ConfigureAwait(false);

        var document = new DocumentRecord
        {
            TenantId = input.TenantId,
            Id = prepared.Id,
            Title = prepared.Title,
            Uri = input.Uri,
            Source = input.Source,
            MediaType = prepared.MediaType,
            ContentHash = prepared.Hash,
            Metadata = prepared.Metadata,
            Acl = input.Acl ?? DocumentAcl.Public,
            ChunkerVersion = _chunker.Version,
            EmbeddingModel = _embeddingModel,
            SourceVersion = input.SourceVersion,
            ChunkCount = records.Count,
            TextLength = prepared.Text.Length,
        };
        var result = await UpsertAsync(
            new DocumentWrite(document, prepared.Text, records) { Parents = chunked.Parents }, status, cancellationToken).ConfigureAwait(false);
        if (!result.Applied)
        {
            Log.DocumentStale(_logger, result.Document.Id, input.SourceVersion ?? 0, result.Document.SourceVersion ?? 0);
            return new IngestOutcome(IngestStatus.Stale, result.Document.Id, result.Document.ChunkCount, result.Document.Version);
        }

        var stored = result.Document;
        Log.DocumentIngested(_logger, stored.Id, status, records.Count, stored.Version);
        return new IngestOutcome(status, stored.Id, records.Count, stored.Version);
    }

    private ChunkedDocument Chunk(ParsedDocument document)
    {
        using var span = Spans.Start(Spans.IngestChunk);
        var chunked = _chunker.ChunkDocument(document);
        span?.SetTag(Tags.Chunks, chunked.Chunks.Count)
            .SetTag(Tags.ChunkTokens, chunked.Chunks.Sum(c => c.TokenCount))
            .SetTag(Tags.Parents, chunked.Parents.Count);
        return chunked;
    }

    private async Task<List<ChunkRecord>> EmbedAsync(string title, IReadOnlyList<TextChunk> chunks, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.IngestEmbed);
        span?.SetTag(Tags.GenAiOperation, "embeddings")
            .SetTag(Tags.GenAiModel, _embeddingModel)
            .SetTag(Tags.EmbedInputs, chunks.Count)
            .SetTag(Tags.EmbedBatches, (chunks.Count + _options.EmbeddingBatchSize - 1) / _options.EmbeddingBatchSize);
        try
        {
            var records = new List<ChunkRecord>(chunks.Count);
            for (var start = 0; start < chunks.Count; start += _options.EmbeddingBatchSize)
            {
                var batch = chunks.Skip(start).Take(_options.EmbeddingBatchSize).ToList();
                var embeddings = await _embedder
                    .GenerateAsync(batch.Select(c => EmbeddingText(title, c)), cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                if (embeddings.Count != batch.Count)
                {
                    throw new InvalidOperationException("The embedding generator returned a different number of vectors than inputs.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    var c = batch[i];
                    records.Add(new ChunkRecord(c.Ordinal, c.Text, c.HeadingPath, c.TokenCount, embeddings[i].Vector)
                    {
                        Page = c.Page,
                        Parent = c.Parent,
                    });
                }
            }

            return records;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private async Task<UpsertResult> UpsertAsync(DocumentWrite write, IngestStatus status, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.IngestUpsert);
        span?.SetTag(Tags.DbSystem, _dbSystem).SetTag(Tags.Chunks, write.Chunks.Count);
        try
        {
            var result = await _store.UpsertDocumentAsync(write, cancellationToken).ConfigureAwait(false);
            span?.SetTag(Tags.IngestOutcome, result.Applied ? IngestOutcomes.Of(status) : "stale")
                .SetTag(Tags.DocumentVersion, result.Document.Version);
            return result;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    // The title and heading path go into the vector too: a chunk about "limits" under "Rate limits > Enterprise"
    // should be found by a question that names the plan.
    private static string EmbeddingText(string title, TextChunk chunk) =>
        chunk.HeadingPath.Length > 0 ? $"{title}\n{chunk.HeadingPath}\n{chunk.Text}" : $"{title}\n{chunk.Text}";

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>A size for people: "3.2 MB", "12 kB", "900 bytes".</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024.0):0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} kB",
        _ => $"{bytes} bytes",
    };

    private sealed record Fingerprinted(string? Text, string MediaType, IReadOnlyDictionary<string, string> Metadata, string Hash);

    private sealed record PreparedDocument(
        string Id, string Title, string Text, ParsedDocument Parsed, string Hash, IReadOnlyDictionary<string, string> Metadata,
        string MediaType);
}
