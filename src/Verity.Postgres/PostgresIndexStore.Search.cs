using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>Search: dense, lexical and their fusion, each one statement (plus the HNSW settings in the same round
/// trip) in a transaction scoped to the tenant and the caller's principals.</summary>
public sealed partial class PostgresIndexStore
{
    // pgvector accepts hnsw.ef_search up to 1000.
    private const int MaxEfSearch = 1000;

    public async Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (live, layout) = (Live, Layout);
        CheckVector(queryVector, live);
        var where = IndexFilter.Create(filter, live.Id);
        if (limit < 1)
        {
            return [];
        }

        var sql = $"WITH {IndexSearchSql.DenseCte(layout, where)}\n{IndexSearchSql.Results("dense")}";
        return await SearchAsync(filter, layout, limit, sql, command =>
        {
            where.AddTo(command.Parameters);
            AddDenseParameters(command, queryVector, limit);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var live = Live;
        var where = IndexFilter.Create(filter, live.Id);
        var tsquery = PgTextQuery.Build(query ?? "");
        if (tsquery is null || limit < 1)
        {
            return [];
        }

        var sql = $"WITH {IndexSearchSql.LexicalCte(where, hasQuery: true)}\n{IndexSearchSql.Results("lexical")}";
        return await SearchAsync(filter, layout: null, limit, sql, command =>
        {
            where.AddTo(command.Parameters);
            AddLexicalParameters(command, tsquery, limit);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HybridHit>> SearchHybridAsync(
        HybridQuery query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(query.RrfK);
        if (!(query.DenseWeight >= 0) || !(query.LexicalWeight >= 0))
        {
            throw new ArgumentException("The dense and lexical weights must be non-negative numbers.", nameof(query));
        }

        var (live, layout) = (Live, Layout);
        CheckVector(query.Vector, live);
        var where = IndexFilter.Create(filter, live.Id);
        if (limit < 1 || query.Candidates < 1)
        {
            return [];
        }

        var tsquery = PgTextQuery.Build(query.Text ?? "");
        var sql = $"""
            WITH {IndexSearchSql.DenseCte(layout, where)},
            {IndexSearchSql.LexicalCte(where, tsquery is not null)},
            {IndexSearchSql.Fusion}
            """;
        return await _database.ExecuteAsync(DbScope.Tenant(filter.TenantId, filter.Principals), "search the index", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            var settings = AddHnswSettings(batch, layout, query.Candidates);
            var command = new NpgsqlBatchCommand(sql);
            where.AddTo(command.Parameters);
            AddDenseParameters(command, query.Vector, query.Candidates);
            if (tsquery is not null)
            {
                AddLexicalParameters(command, tsquery, query.Candidates);
            }

            command.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Integer) { Value = query.RrfK });
            command.Parameters.Add(new NpgsqlParameter("dense_weight", NpgsqlDbType.Double) { Value = query.DenseWeight });
            command.Parameters.Add(new NpgsqlParameter("lexical_weight", NpgsqlDbType.Double) { Value = query.LexicalWeight });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
            batch.BatchCommands.Add(command);

            var hits = new List<HybridHit>();
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (settings)
            {
                await reader.NextResultAsync(ct).ConfigureAwait(false);
            }

            const int score = IndexSearchSql.ChunkColumnCount;
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                hits.Add(new HybridHit(
                    IndexRows.ReadChunk(reader),
                    reader.GetDouble(score),
                    reader.IsDBNull(score + 1) ? null : (int)reader.GetInt64(score + 1),
                    reader.IsDBNull(score + 2) ? null : (int)reader.GetInt64(score + 2)));
            }

            return (IReadOnlyList<HybridHit>)hits;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<ScoredChunk>> SearchAsync(
        SearchFilter filter, IndexVectorLayout? layout, int candidates, string sql, Action<NpgsqlBatchCommand> bind,
        CancellationToken cancellationToken) =>
        _database.ExecuteAsync<IReadOnlyList<ScoredChunk>>(DbScope.Tenant(filter.TenantId, filter.Principals), "search the index", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            var settings = layout is not null && AddHnswSettings(batch, layout, candidates);
            var command = new NpgsqlBatchCommand(sql);
            bind(command);
            batch.BatchCommands.Add(command);

            var results = new List<ScoredChunk>();
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (settings)
            {
                await reader.NextResultAsync(ct).ConfigureAwait(false);
            }

            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                results.Add(new ScoredChunk(IndexRows.ReadChunk(reader), reader.GetDouble(IndexSearchSql.ChunkColumnCount)));
            }

            return results;
        }, cancellationToken);

    /// <summary>Sets the HNSW search parameters for this transaction only (set_config(…, true) is SET LOCAL): a
    /// candidate list at least as long as the result, and iterative scans (which continue past candidates the
    /// filter rejects) where pgvector has them. Returns whether a statement was added.</summary>
    private bool AddHnswSettings(NpgsqlBatch batch, IndexVectorLayout layout, int candidates)
    {
        if (layout.Storage != VectorStorage.PgVector)
        {
            return false;
        }

        var efSearch = Math.Clamp(Math.Max(_database.Options.HnswEfSearch, candidates), 1, MaxEfSearch);
        var sql = layout.IterativeScan && UseIterativeScans
            ? "SELECT set_config('hnsw.ef_search', @ef_search, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)"
            : "SELECT set_config('hnsw.ef_search', @ef_search, true)";
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("ef_search", NpgsqlDbType.Text) { Value = efSearch.ToString(CultureInfo.InvariantCulture) });
        batch.BatchCommands.Add(command);
        return true;
    }

    private void AddDenseParameters(NpgsqlBatchCommand command, ReadOnlyMemory<float> vector, int limit)
    {
        command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = vector.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("dense_limit", NpgsqlDbType.Integer) { Value = limit });
        command.Parameters.Add(new NpgsqlParameter("gate", NpgsqlDbType.Integer) { Value = Math.Max(ExactScanThreshold, limit) });
    }

    private static void AddLexicalParameters(NpgsqlBatchCommand command, string tsquery, int limit)
    {
        command.Parameters.Add(new NpgsqlParameter("tsquery", NpgsqlDbType.Text) { Value = tsquery });
        command.Parameters.Add(new NpgsqlParameter("lexical_limit", NpgsqlDbType.Integer) { Value = limit });
    }

    private static void CheckVector(ReadOnlyMemory<float> vector, IndexGeneration live)
    {
        if (vector.Length != live.Dimensions)
        {
            throw new InvalidOperationException($"The query vector has {vector.Length} dimensions; the index has {live.Dimensions}.");
        }
    }
}
