using Microsoft.Extensions.Logging;

namespace Verity.Postgres;

internal static partial class Log
{
    [LoggerMessage(2110, LogLevel.Information, "Opened index generation {Generation} ({Model}, {Dimensions} dimensions, vectors: {VectorStorage})")]
    public static partial void IndexOpened(ILogger logger, int generation, string model, int dimensions, string vectorStorage);

    [LoggerMessage(2111, LogLevel.Warning, "Lexical search cannot use its GIN index: the role {Role} is subject to row-level security and the full-text match function is not LEAKPROOF, so each lexical query filters all of the tenant's chunks. A superuser can fix this once per database: ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF")]
    public static partial void LexicalIndexUnusable(ILogger logger, string role);

    [LoggerMessage(2112, LogLevel.Warning, "Index generation {Generation} stores its vectors as {Stored}; a new index would use {Preferred} here (VectorSearch = {Configured}). The stored kind is kept: copy the index into a new database with `verity migrate-store` to change it.")]
    public static partial void VectorStorageKept(ILogger logger, int generation, string stored, string preferred, string configured);

    [LoggerMessage(2113, LogLevel.Warning, "pgvector cannot index {Dimensions}-dimensional vectors (at most {Max}); they are stored as real[] and searched by an exact scan")]
    public static partial void TooManyDimensionsForHnsw(ILogger logger, int dimensions, int max);

    [LoggerMessage(2114, LogLevel.Information, "Created the HNSW index on chunk vectors (m = {M}, ef_construction = {EfConstruction})")]
    public static partial void HnswIndexCreated(ILogger logger, int m, int efConstruction);

    [LoggerMessage(2115, LogLevel.Debug, "Refused a write of document {DocumentId} of tenant {TenantId} at source version {Incoming}: version {Stored} is stored")]
    public static partial void StaleWriteRefused(ILogger logger, string documentId, string tenantId, long incoming, long stored);
}
