using System.Globalization;

namespace Verity.Postgres;

/// <summary>How the chunk vectors of the live generation are stored.</summary>
internal enum VectorStorage
{
    /// <summary>A pgvector <c>vector(n)</c> column with an HNSW index (cosine).</summary>
    PgVector,

    /// <summary>A <c>real[]</c> column searched by a full scan of the filtered chunks.</summary>
    Exact,
}

/// <summary>
/// The SQL that depends on how vectors are stored: the column type, the index, and the expressions that order and
/// score chunks against the query vector (bound as <c>@q</c>, a <c>real[]</c>). Vectors are unit length, so the
/// cosine is their dot product; pgvector computes it as 1 − cosine distance.
/// </summary>
internal sealed record IndexVectorLayout(VectorStorage Storage, int Dimensions, bool IterativeScan)
{
    /// <summary>pgvector indexes at most 2,000 dimensions of <c>vector</c>; up to 4,000 the index is built on a
    /// half-precision copy (<c>halfvec</c>), and ranking uses the full-precision vectors.</summary>
    public const int MaxHnswDimensions = 2000;

    public const int MaxHalfPrecisionHnswDimensions = 4000;

    public const string IndexName = "chunks_embedding_hnsw";

    public static string StorageName(VectorStorage storage) => storage == VectorStorage.PgVector ? "pgvector" : "exact";

    public static VectorStorage ParseStorage(string name) => name switch
    {
        "pgvector" => VectorStorage.PgVector,
        "exact" => VectorStorage.Exact,
        _ => throw new InvalidOperationException($"The index generation has an unknown vector storage '{name}'."),
    };

    private string Dims => Dimensions.ToString(CultureInfo.InvariantCulture);

    private bool HalfPrecisionIndex => Dimensions > MaxHnswDimensions;

    /// <summary>The type of <c>chunks.embedding</c>, as <c>format_type</c> prints it.</summary>
    public string ColumnType => Storage == VectorStorage.PgVector ? $"vector({Dims})" : "real[]";

    public string CreateIndexSql(int m, int efConstruction)
    {
        var target = HalfPrecisionIndex ? $"(embedding::halfvec({Dims})) halfvec_cosine_ops" : "embedding vector_cosine_ops";
        return string.Create(CultureInfo.InvariantCulture,
            $"CREATE INDEX {IndexName} ON chunks USING hnsw ({target}) WITH (m = {m}, ef_construction = {efConstruction})");
    }

    /// <summary>Cosine similarity of the chunk aliased <paramref name="alias"/> to the query (higher is better).</summary>
    public string Score(string alias) => Storage == VectorStorage.PgVector
        ? $"1 - ({alias}.embedding <=> @q::real[]::vector)"
        : $"verity_dot({alias}.embedding, @q::real[])";

    /// <summary>The ORDER BY expression the HNSW index serves (ascending distance).</summary>
    public string IndexOrder(string alias) => HalfPrecisionIndex
        ? $"{alias}.embedding::halfvec({Dims}) <=> @q::real[]::halfvec({Dims})"
        : $"{alias}.embedding <=> @q::real[]::vector";

    /// <summary>An ORDER BY expression for the same distance that the HNSW index cannot serve ("+ 0" makes it an
    /// expression no index matches), so the planner scans the filtered rows and sorts: exact, complete results.</summary>
    public static string ExactOrder(string alias) => $"({alias}.embedding <=> @q::real[]::vector) + 0";
}
