using System.ComponentModel.DataAnnotations;

namespace Verity.Postgres;

/// <summary>The scale-out store: one PostgreSQL database (with pgvector) shared by every API replica and worker.
/// Bound from <c>Verity:Postgres</c>; <c>--store</c> on the command line sets <see cref="ConnectionString"/>.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string for the application role. The role must not be a superuser or have
    /// BYPASSRLS, or row-level security (the second tenant wall) does not apply to it.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>How chunk vectors are stored and searched; see <see cref="PostgresVectorSearch"/>.</summary>
    public PostgresVectorSearch VectorSearch { get; set; } = PostgresVectorSearch.Auto;

    /// <summary>HNSW graph degree (pgvector's <c>m</c>), used when the index is created.</summary>
    [Range(2, 100)]
    public int HnswM { get; set; } = 16;

    /// <summary>HNSW build candidate list (pgvector's <c>ef_construction</c>), used when the index is created.</summary>
    [Range(4, 1000)]
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>HNSW search candidate list (<c>hnsw.ef_search</c>), set in every dense search; raised to the search's
    /// candidate count when that is larger, so a filter cannot starve the result.</summary>
    [Range(1, 1000)]
    public int HnswEfSearch { get; set; } = 100;

    /// <summary>Upper bound on one statement.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an operation that failed with a transient error (connection loss, serialization failure,
    /// deadlock, server shutting down) is tried again, with exponential backoff and jitter.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubled per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>When false the schema is never created or migrated on start; <c>verity migrate</c> does it.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public enum PostgresVectorSearch
{
    /// <summary>pgvector with an HNSW index when the extension exists or can be created; otherwise vectors are
    /// stored as <c>real[]</c> and searched exactly, with a warning in the log.</summary>
    Auto,

    /// <summary>pgvector with an HNSW index; start-up fails when the extension cannot be created.</summary>
    PgVector,

    /// <summary>Vectors as <c>real[]</c>, searched by an exact scan (no extension needed; fine for small indexes).</summary>
    Exact,
}
