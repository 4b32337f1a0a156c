using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Telemetry;

namespace Verity.Core.Ingestion;

/// <summary>Chunk, embed and write a prepared document in one upsert, each stage its own span.</summary>
public sealed partial class IngestionService
{
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
}
