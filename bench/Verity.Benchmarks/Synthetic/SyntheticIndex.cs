using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Text;
using Verity.Sqlite;

namespace Verity.Benchmarks.Synthetic;

public sealed record BuildResult(int Documents, long Chunks, long Tokens, TimeSpan Elapsed)
{
    public double ChunksPerSecond => Chunks / Elapsed.TotalSeconds;

    public double TokensPerChunk => Chunks == 0 ? 0 : (double)Tokens / Chunks;
}

/// <summary>
/// Builds a synthetic index through the store's public write path (<see cref="IIndexStore.UpsertDocumentAsync"/>),
/// exactly as ingestion writes it: one transaction per document with its chunks, FTS rows and vectors. Chunk text
/// generation, token counting and embedding run in parallel ahead of the single writer, the way a real ingest
/// of many documents would overlap them; SQLite takes one writer at a time anyway.
/// </summary>
public static class SyntheticIndex
{
    public const string Source = "bench:synthetic";

    // Documents prepared per parallel step: enough to keep both cores busy, few enough that the writer never
    // waits long for the first one.
    private const int DocumentsPerStep = 8;

    private static readonly ChunkingOptions Chunking = new();

    public static SqliteIndexStore Open(string databasePath) =>
        new(new SqliteStoreOptions { Path = databasePath }, NullLogger<SqliteIndexStore>.Instance);

    public static Task<IndexGeneration> InitializeAsync(SqliteIndexStore store, HashingEmbeddingGenerator embedder, CancellationToken cancellationToken) =>
        store.InitializeAsync(new IndexConfiguration(embedder.ModelId, embedder.Dimensions, Chunking.Version), cancellationToken);

    /// <summary>Writes <paramref name="chunkCount"/> chunks into an initialised store; reports the number of
    /// chunks written after each document.</summary>
    public static async Task<BuildResult> BuildAsync(
        SqliteIndexStore store,
        SyntheticCorpus corpus,
        HashingEmbeddingGenerator embedder,
        long chunkCount,
        Action<long>? progress,
        CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var documents = (int)((chunkCount + corpus.ChunksPerDocument - 1) / corpus.ChunksPerDocument);
        var tokens = new TiktokenTokenCounter();
        var channel = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(DocumentsPerStep * 2)
        {
            SingleReader = true,
            SingleWriter = true,
        });

        var producer = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                for (var first = 0; first < documents; first += DocumentsPerStep)
                {
                    var step = new Prepared[Math.Min(DocumentsPerStep, documents - first)];
                    Parallel.For(0, step.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                    {
                        var document = first + i;
                        var count = (int)Math.Min(corpus.ChunksPerDocument, chunkCount - ((long)document * corpus.ChunksPerDocument));
                        step[i] = Prepare(corpus, embedder, tokens, document, count);
                    });

                    foreach (var prepared in step)
                    {
                        await channel.Writer.WriteAsync(prepared, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                channel.Writer.TryComplete(failure);
            }
        }, cancellationToken);

        long written = 0, tokenTotal = 0;
        await foreach (var prepared in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await store.UpsertDocumentAsync(prepared.Document, prepared.Body, prepared.Chunks, cancellationToken).ConfigureAwait(false);
            written += prepared.Chunks.Length;
            tokenTotal += prepared.Tokens;
            progress?.Invoke(written);
        }

        await producer.ConfigureAwait(false);
        return new BuildResult(documents, written, tokenTotal, TimeProvider.System.GetElapsedTime(started));
    }

    /// <summary>Deletes a temporary index folder. Pooled connections keep the file open, so the pools are
    /// cleared first.</summary>
    public static void Delete(string directory)
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Bytes of the database and its WAL and shared-memory files.</summary>
    public static long DatabaseBytes(string databasePath) =>
        new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }
            .Where(File.Exists)
            .Sum(p => new FileInfo(p).Length);

    private static Prepared Prepare(SyntheticCorpus corpus, HashingEmbeddingGenerator embedder, TiktokenTokenCounter tokens, int document, int count)
    {
        var title = corpus.Title(document);
        var chunks = new ChunkRecord[count];
        long tokenTotal = 0;
        for (var ordinal = 0; ordinal < count; ordinal++)
        {
            var (text, heading) = corpus.Chunk(document, ordinal, title);
            var tokenCount = tokens.CountTokens(text);
            tokenTotal += tokenCount;
            // The same text ingestion embeds: title and heading path give the vector the chunk's context.
            chunks[ordinal] = new ChunkRecord(ordinal, text, heading, tokenCount, embedder.Embed($"{title}\n{heading}\n{text}"));
        }

        var body = string.Join("\n\n", chunks.Select(c => c.Text));
        var record = new DocumentRecord
        {
            TenantId = Tenants.Default,
            Id = SyntheticCorpus.DocumentId(document),
            Title = title,
            Source = Source,
            MediaType = MediaTypes.Markdown,
            ContentHash = ContentHash.Compute(body, MediaTypes.Markdown, DocumentRecord.EmptyMetadata),
            ChunkerVersion = Chunking.Version,
            EmbeddingModel = embedder.ModelId,
            ChunkCount = count,
            TextLength = body.Length,
        };
        return new Prepared(record, body, chunks, tokenTotal);
    }

    private sealed record Prepared(DocumentRecord Document, string Body, ChunkRecord[] Chunks, long Tokens);
}
