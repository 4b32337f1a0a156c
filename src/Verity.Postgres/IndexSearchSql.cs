namespace Verity.Postgres;

/// <summary>
/// The search statements as common table expressions, so dense, lexical and hybrid search run the very same
/// candidate queries: <c>dense</c> and <c>lexical</c> each yield (id, document_id, ordinal, score), best first by
/// score and then by chunk id. Hybrid search fuses exactly these lists, so its ranks are the ranks the separate
/// searches return.
/// </summary>
internal static class IndexSearchSql
{
    /// <summary>A chunk as a result: needs chunks c and <see cref="ParentJoin"/> (cp).</summary>
    public const string ChunkColumns = "c.document_id, c.ordinal, c.text, c.heading_path, c.title, c.uri, c.page, cp.text";

    public const int ChunkColumnCount = 8;

    public const string ParentJoin = """
        LEFT JOIN chunk_parents cp ON cp.tenant_id = c.tenant_id AND cp.document_id = c.document_id
            AND cp.generation = c.generation AND cp.ordinal = c.parent_ordinal
        """;

    // Title, heading and body weigh 1.0, 0.75 and 0.5 (labels A, B, C; D is unused), as the SQLite store's BM25
    // weights them 2 : 1.5 : 1. Normalisation 1 divides by 1 + log(length), so long chunks do not win by length.
    private const string LexicalRank = "ts_rank_cd('{0.1, 0.5, 0.75, 1.0}'::real[], c.tsv, to_tsquery('english'::regconfig, @tsquery), 1)";

    /// <summary>The public chunk id (<c>document#ordinal</c>) in ordinal order, the last tie-break everywhere
    /// (byte order of UTF-8: the same as .NET's ordinal order except for ids mixing characters above U+FFFF with
    /// ones in U+E000–U+FFFF).</summary>
    public static string Key(string alias) => $"({alias}.document_id || '#' || {alias}.ordinal) COLLATE \"C\"";

    /// <summary>
    /// The <c>dense</c> candidates (at most <c>@dense_limit</c>). Without pgvector: a scan of the filtered chunks.
    /// With pgvector, an HNSW index returns nearest neighbours and the filter is applied to what it returns, which
    /// can leave fewer than the limit when the filter is selective. So: a bounded count first decides whether the
    /// filtered set is small (fewer than <c>@gate</c> rows), and then it is scanned exactly, which is cheap and
    /// complete. Otherwise the index is used, with iterative scans on (pgvector 0.8+) so that it keeps looking past
    /// filtered-out candidates; if it still returns fewer than the limit, the exact scan runs instead. Either branch
    /// is skipped by a one-time condition, so only one of them reads chunks. Results are complete in both branches;
    /// the index branch is approximate in order, as HNSW is.
    /// </summary>
    public static string DenseCte(IndexVectorLayout layout, IndexFilter filter)
    {
        var key = Key("c");
        if (layout.Storage == VectorStorage.Exact)
        {
            return $"""
                dense AS MATERIALIZED (
                    SELECT c.id, c.document_id, c.ordinal, {layout.Score("c")} AS score
                    FROM chunks c
                    WHERE {filter.Where("c")}
                    ORDER BY score DESC, {key}
                    LIMIT @dense_limit)
                """;
        }

        return $"""
            dense_index AS MATERIALIZED (
                SELECT c.id, c.document_id, c.ordinal, {layout.Score("c")} AS score
                FROM chunks c
                WHERE {filter.Where("c")}
                  AND (SELECT count(*) FROM (SELECT 1 FROM chunks g WHERE {filter.Where("g")} LIMIT @gate) gated) >= @gate
                ORDER BY {layout.IndexOrder("c")}
                LIMIT @dense_limit),
            dense_scan AS MATERIALIZED (
                SELECT c.id, c.document_id, c.ordinal, {layout.Score("c")} AS score
                FROM chunks c
                WHERE {filter.Where("c")} AND (SELECT count(*) FROM dense_index) < @dense_limit
                ORDER BY {IndexVectorLayout.ExactOrder("c")}, {key}
                LIMIT @dense_limit),
            dense AS (
                SELECT id, document_id, ordinal, score FROM dense_scan
                UNION ALL
                SELECT id, document_id, ordinal, score FROM dense_index WHERE (SELECT count(*) FROM dense_index) >= @dense_limit)
            """;
    }

    /// <summary>The <c>lexical</c> candidates (at most <c>@lexical_limit</c>): chunks matching any term of
    /// <c>@tsquery</c> through the GIN index, ranked by cover density; empty when the query has no words.</summary>
    public static string LexicalCte(IndexFilter filter, bool hasQuery) => hasQuery
        ? $"""
            lexical AS MATERIALIZED (
                SELECT c.id, c.document_id, c.ordinal, {LexicalRank}::double precision AS score
                FROM chunks c
                WHERE c.tsv @@ to_tsquery('english'::regconfig, @tsquery) AND {filter.Where("c")}
                ORDER BY score DESC, {Key("c")}
                LIMIT @lexical_limit)
            """
        : """
            lexical AS (
                SELECT NULL::bigint AS id, NULL::text AS document_id, NULL::integer AS ordinal, NULL::double precision AS score
                WHERE false)
            """;

    /// <summary>A search result list: the candidates of <paramref name="cte"/> with their chunk rows, best first.</summary>
    public static string Results(string cte) => $"""
        SELECT {ChunkColumns}, r.score
        FROM {cte} r
        JOIN chunks c ON c.id = r.id
        {ParentJoin}
        ORDER BY r.score DESC, {Key("r")}
        """;

    /// <summary>Weighted Reciprocal Rank Fusion of <c>dense</c> and <c>lexical</c>, as
    /// <see cref="Core.Retrieval.ReciprocalRankFusion.Fuse"/> computes it: each list contributes weight / (k + rank)
    /// (dense first, so the sum is the same floating-point sum), ties go to the better best rank, then to the id.</summary>
    public const string Fusion = $"""
        dense_ranked AS (
            SELECT id, row_number() OVER (ORDER BY score DESC, (document_id || '#' || ordinal) COLLATE "C") AS rank FROM dense),
        lexical_ranked AS (
            SELECT id, row_number() OVER (ORDER BY score DESC, (document_id || '#' || ordinal) COLLATE "C") AS rank FROM lexical),
        fused AS (
            SELECT coalesce(d.id, l.id) AS id,
                   coalesce(@dense_weight / (@k + d.rank)::double precision, 0)
                       + coalesce(@lexical_weight / (@k + l.rank)::double precision, 0) AS score,
                   least(d.rank, l.rank) AS best_rank,
                   d.rank AS dense_rank,
                   l.rank AS lexical_rank
            FROM dense_ranked d FULL JOIN lexical_ranked l ON l.id = d.id)
        SELECT {ChunkColumns}, f.score, f.dense_rank, f.lexical_rank
        FROM fused f
        JOIN chunks c ON c.id = f.id
        {ParentJoin}
        ORDER BY f.score DESC, f.best_rank, (c.document_id || '#' || c.ordinal) COLLATE "C"
        LIMIT @limit
        """;
}
