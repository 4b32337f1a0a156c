using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Verity.Core.Model;

namespace Verity.Sqlite;

/// <summary>The read path of search: the vector scan, BM25 over FTS5, and loading the winners' rows.</summary>
public sealed partial class SqliteIndexStore
{
    public async Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var live = Live;
        if (queryVector.Length != live.Dimensions)
        {
            throw new InvalidOperationException(
                $"The query vector has {queryVector.Length} dimensions; the index has {live.Dimensions}.");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var segment = await GetSegmentAsync(connection, filter.TenantId, live, cancellationToken).ConfigureAwait(false);
        HashSet<long>? allowed = null;
        if (filter is { Principals: { } principals, Metadata.Count: 0, Ranges.Count: 0, DocumentIds: null })
        {
            allowed = await AllowedForPrincipalsAsync(connection, filter, principals, live.Id, segment.ChangeCounter, cancellationToken).ConfigureAwait(false);
        }
        else if (!SqlFilter.IsUnfiltered(filter))
        {
            allowed = await AllowedChunksAsync(connection, filter, live.Id, cancellationToken).ConfigureAwait(false);
        }

        var top = segment.Search(queryVector.Span, limit, allowed);
        if (top.Count == 0)
        {
            return [];
        }

        var chunks = await LoadChunksAsync(connection, filter.TenantId, top.Select(t => t.ChunkId), cancellationToken).ConfigureAwait(false);
        return top.Where(t => chunks.ContainsKey(t.ChunkId))
            .Select(t => new ScoredChunk(chunks[t.ChunkId], t.Score))
            .ToList();
    }

    public async Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var match = FtsQuery.Build(query);
        if (match is null)
        {
            return [];
        }

        var live = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = SqlFilter.Render(filter, command, live.Id);
        // Rank and filter on ids and scores only, then fetch the text of the winners, so the sort carries no text.
        command.CommandText = $"""
            SELECT {ChunkColumns}, -top.rank AS score
            FROM (
                SELECT chunks_fts.rowid AS id, bm25(chunks_fts, 2.0, 1.5, 1.0) AS rank
                FROM chunks_fts
                JOIN chunks c ON c.id = chunks_fts.rowid
                JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
                WHERE chunks_fts MATCH $match AND {where}
                ORDER BY rank
                LIMIT $limit
            ) AS top
            JOIN chunks c ON c.id = top.id
            JOIN chunk_content cc ON cc.chunk_id = c.id
            JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            {ChunkParentJoin}
            ORDER BY top.rank
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$limit", limit);

        var results = new List<ScoredChunk>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(new ScoredChunk(ReadChunk(reader), reader.GetDouble(ChunkColumnCount)));
            }
        }
        catch (SqliteException e)
        {
            throw Translate(e, "search the index");
        }

        return results;
    }

    private async Task<VectorSegment> GetSegmentAsync(
        SqliteConnection connection, string tenantId, IndexGeneration live, CancellationToken cancellationToken)
    {
        var counter = await ChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
        if (_segments.TryGetValue(tenantId, out var cached) && cached.ChangeCounter == counter)
        {
            return cached;
        }

        await _segmentLoad.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_segments.TryGetValue(tenantId, out cached) && cached.ChangeCounter == counter)
            {
                return cached;
            }

            // Read the counter and the vectors in one read transaction, so the segment matches the counter it carries.
            await using var transaction = connection.BeginTransaction(deferred: true);
            counter = await ChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT v.chunk_id, v.embedding FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
                WHERE c.tenant_id = $tenant AND c.generation = $generation ORDER BY v.chunk_id
                """;
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$generation", live.Id);
            var ids = new List<long>();
            var matrix = new List<float>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetInt64(0));
                    var blob = (byte[])reader.GetValue(1);
                    matrix.AddRange(MemoryMarshal.Cast<byte, float>(blob));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var segment = new VectorSegment(counter, live.Dimensions, [.. ids], [.. matrix]);
            _segments[tenantId] = segment;
            Log.SegmentLoaded(_logger, tenantId, segment.Count, segment.MemoryBytes);
            return segment;
        }
        finally
        {
            _segmentLoad.Release();
        }
    }

    // The chunks a set of principals may read changes only when the index does: cache it per (tenant, principals)
    // against the change counter, so dense search does not recompute the ACL join on every query.
    private async Task<HashSet<long>> AllowedForPrincipalsAsync(
        SqliteConnection connection, SearchFilter filter, IReadOnlyCollection<string> principals, int generation, long counter,
        CancellationToken cancellationToken)
    {
        var key = $"{filter.TenantId}\n{generation}\n{string.Join('\n', principals.Order(StringComparer.Ordinal))}";
        if (_allowed.TryGetValue(key, out var cached) && cached.Counter == counter)
        {
            return cached.Chunks;
        }

        var chunks = await AllowedChunksAsync(connection, filter, generation, cancellationToken).ConfigureAwait(false);
        if (_allowed.Count >= MaxCachedPermissionSets)
        {
            _allowed.Clear();
        }

        _allowed[key] = (counter, chunks);
        return chunks;
    }

    private static async Task<HashSet<long>> AllowedChunksAsync(
        SqliteConnection connection, SearchFilter filter, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var where = SqlFilter.Render(filter, command, generation);
        command.CommandText = $"""
            SELECT c.id FROM chunks c JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            WHERE {where}
            """;
        var allowed = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            allowed.Add(reader.GetInt64(0));
        }

        return allowed;
    }

    // "+c.tenant_id" keeps SQLite from planning a walk over the tenant's whole chunk index; the ids are primary-key
    // lookups and the tenant condition is checked on the rows found.
    private static async Task<Dictionary<long, IndexedChunk>> LoadChunksAsync(
        SqliteConnection connection, string tenantId, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ChunkColumns}
            FROM chunks c
            JOIN chunk_content cc ON cc.chunk_id = c.id
            JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            {ChunkParentJoin}
            WHERE c.id IN (SELECT value FROM json_each($ids)) AND +c.tenant_id = $tenant
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        var result = new Dictionary<long, IndexedChunk>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetInt64(0)] = ReadChunk(reader);
        }

        return result;
    }
}
