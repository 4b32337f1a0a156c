using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>
/// The scale-out index: documents, chunks, a generated <c>tsvector</c> column with a GIN index, and the chunk vectors
/// in a pgvector column with an HNSW index (or <c>real[]</c>, searched exactly, where pgvector is missing), shared by
/// every API replica and worker. Every statement carries its tenant and filter conditions, and runs in a transaction
/// scoped to the tenant (and, for a caller's reads, to the caller's principals) so that row-level security holds
/// even where a query would not. Hybrid search fuses dense and lexical results in the same statement.
/// </summary>
public sealed partial class PostgresIndexStore : IIndexStore, IHybridSearchStore, IIndexExporter
{
    /// <summary>The first key of the transaction-level advisory lock that serialises writes of one document
    /// ("verd"); the second is a hash of tenant and id. Job creation locks with another first key.</summary>
    internal const int DocumentLockClass = 0x76657264;

    /// <summary>The advisory lock ("verg", 0) under which a generation and its vector column are created, so
    /// replicas starting together create exactly one.</summary>
    internal const int GenerationLockClass = 0x76657267;

    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresIndexStore> _logger;
    private volatile Opened? _opened;

    /// <summary>Uses <paramref name="database"/> without owning it (the process disposes it once).</summary>
    public PostgresIndexStore(PostgresDatabase database, ILogger<PostgresIndexStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
    }

    /// <summary>Below this many chunks matching a dense search's filter, the chunks are scanned exactly instead of
    /// searched through the HNSW index (see <see cref="IndexSearchSql.DenseCte"/>). Settable for tests.</summary>
    internal int ExactScanThreshold { get; set; } = 2000;

    /// <summary>Whether dense search turns on iterative HNSW scans where pgvector has them (0.8+). Off, it behaves as
    /// on older pgvector: the index returns at most ef_search candidates and a filter can leave it short, which the
    /// exact fall-back then covers. Settable for tests.</summary>
    internal bool UseIterativeScans { get; set; } = true;

    private IndexGeneration Live => Current.Generation;

    private IndexVectorLayout Layout => Current.Layout;

    private Opened Current => _opened ?? throw new InvalidOperationException("The store is not initialised; call InitializeAsync first.");

    public async Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentOutOfRangeException.ThrowIfLessThan(configuration.Dimensions, 1);
        var options = _database.Options;
        var init = await _database.ExecuteAsync(DbScope.System, "open the index", async (connection, ct) =>
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({GenerationLockClass}, 0)", ct).ConfigureAwait(false);
            var live = await ReadLiveGenerationAsync(connection, ct).ConfigureAwait(false);
            var created = live is null;
            if (live is null)
            {
                live = await CreateGenerationAsync(connection, configuration, ChooseStorage(configuration.Dimensions), ct).ConfigureAwait(false);
            }
            else if (live.Value.Generation.EmbeddingModel != configuration.EmbeddingModel || live.Value.Generation.Dimensions != configuration.Dimensions)
            {
                var stored = live.Value.Generation;
                throw new InvalidOperationException(
                    $"The index in this PostgreSQL database was built with the embedding model '{stored.EmbeddingModel}' ({stored.Dimensions} dimensions), " +
                    $"but '{configuration.EmbeddingModel}' ({configuration.Dimensions} dimensions) is configured. " +
                    "Vectors of different models cannot be compared: use a new database or re-index.");
            }

            var (generation, storage) = live.Value;
            var probe = await ProbeAsync(connection, ct).ConfigureAwait(false);
            var layout = new IndexVectorLayout(storage, generation.Dimensions, probe.IterativeScan);
            if (probe.EmbeddingType != layout.ColumnType)
            {
                throw new InvalidOperationException(
                    $"The column chunks.embedding is {probe.EmbeddingType ?? "missing"}, but index generation {generation.Id} stores its vectors as {layout.ColumnType}. " +
                    "The schema was changed outside Verity (was the vector extension dropped?); restore it or copy the index into a new database.");
            }

            return (Opened: new Opened(generation, layout), Created: created, probe.LexicalIndexUsable, probe.Role);
        }, cancellationToken).ConfigureAwait(false);

        var (generation, layout) = init.Opened;
        if (init.Created)
        {
            var storage = layout.Storage == VectorStorage.PgVector ? "pgvector HNSW" : "real[] exact scan";
            Log.GenerationCreated(_logger, generation.Id, generation.EmbeddingModel, generation.Dimensions, storage);
            if (layout.Storage == VectorStorage.PgVector)
            {
                Log.HnswIndexCreated(_logger, options.HnswM, options.HnswEfConstruction);
            }
        }
        else if (ChooseStorage(generation.Dimensions, log: false) is var preferred && preferred != layout.Storage)
        {
            Log.VectorStorageKept(_logger, generation.Id, IndexVectorLayout.StorageName(layout.Storage), IndexVectorLayout.StorageName(preferred),
                options.VectorSearch.ToString());
        }

        if (!init.LexicalIndexUsable)
        {
            Log.LexicalIndexUnusable(_logger, init.Role);
        }

        _opened = init.Opened;
        Log.IndexOpened(_logger, generation.Id, generation.EmbeddingModel, generation.Dimensions, IndexVectorLayout.StorageName(layout.Storage));
        return generation;
    }

    private VectorStorage ChooseStorage(int dimensions, bool log = true)
    {
        if (!_database.HasPgvector || _database.Options.VectorSearch == PostgresVectorSearch.Exact)
        {
            return VectorStorage.Exact;
        }

        if (dimensions > IndexVectorLayout.MaxHalfPrecisionHnswDimensions)
        {
            if (log)
            {
                Log.TooManyDimensionsForHnsw(_logger, dimensions, IndexVectorLayout.MaxHalfPrecisionHnswDimensions);
            }

            return VectorStorage.Exact;
        }

        return VectorStorage.PgVector;
    }

    // The vector column is typed by the dimensions, known only now; the chunks table is empty when the first
    // generation is created, so adding the column and building the (empty) index is instant.
    private async Task<(IndexGeneration Generation, VectorStorage Storage)> CreateGenerationAsync(
        NpgsqlConnection connection, IndexConfiguration configuration, VectorStorage storage, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO index_generations (embedding_model, dimensions, chunker_version, vector_storage, state)
            VALUES (@model, @dimensions, @chunker, @storage, 'live')
            """, connection))
        {
            insert.Parameters.AddWithValue("model", configuration.EmbeddingModel);
            insert.Parameters.AddWithValue("dimensions", configuration.Dimensions);
            insert.Parameters.AddWithValue("chunker", configuration.ChunkerVersion);
            insert.Parameters.AddWithValue("storage", IndexVectorLayout.StorageName(storage));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var layout = new IndexVectorLayout(storage, configuration.Dimensions, IterativeScan: false);
        await ExecuteAsync(connection, $"ALTER TABLE chunks ADD COLUMN embedding {layout.ColumnType} NOT NULL", cancellationToken).ConfigureAwait(false);
        if (storage == VectorStorage.PgVector)
        {
            var options = _database.Options;
            await ExecuteAsync(connection, layout.CreateIndexSql(options.HnswM, options.HnswEfConstruction), cancellationToken).ConfigureAwait(false);
        }

        return (await ReadLiveGenerationAsync(connection, cancellationToken).ConfigureAwait(false))!.Value;
    }

    private static async Task<(IndexGeneration Generation, VectorStorage Storage)?> ReadLiveGenerationAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, embedding_model, dimensions, chunker_version, created_at, vector_storage
            FROM index_generations WHERE state = 'live'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var generation = new IndexGeneration(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
            IndexGenerationState.Live, reader.GetFieldValue<DateTimeOffset>(4));
        return (generation, IndexVectorLayout.ParseStorage(reader.GetString(5)));
    }

    /// <summary>What the database can do for the index: the vector column's type, iterative HNSW scans, and whether
    /// the GIN index is usable under row-level security for this role.</summary>
    private static async Task<(string? EmbeddingType, bool IterativeScan, bool LexicalIndexUsable, string Role)> ProbeAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                    WHERE a.attrelid = 'chunks'::regclass AND a.attname = 'embedding' AND NOT a.attisdropped),
                   (SELECT extversion FROM pg_extension WHERE extname = 'vector'),
                   (SELECT proleakproof FROM pg_proc WHERE oid = 'ts_match_vq(tsvector, tsquery)'::regprocedure)
                       OR (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user),
                   current_user::text
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var type = reader.IsDBNull(0) ? null : reader.GetString(0);
        var iterative = !reader.IsDBNull(1) && SupportsIterativeScan(reader.GetString(1));
        return (type, iterative, reader.GetBoolean(2), reader.GetString(3));
    }

    // hnsw.iterative_scan exists from pgvector 0.8.0; setting it on an older version would be an error.
    private static bool SupportsIterativeScan(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            && (major > 0 || minor >= 8);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record Opened(IndexGeneration Generation, IndexVectorLayout Layout);
}
