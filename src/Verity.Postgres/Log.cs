using Microsoft.Extensions.Logging;

namespace Verity.Postgres;

internal static partial class Log
{
    [LoggerMessage(2101, LogLevel.Information, "Migrated the PostgreSQL schema to version {Version} ({Applied} migrations applied)")]
    public static partial void SchemaMigrated(ILogger logger, int version, int applied);

    [LoggerMessage(2102, LogLevel.Warning, "The pgvector extension is not available ({Reason}); vectors are stored as real[] and searched by an exact scan, which is slow beyond small indexes. Install pgvector and run CREATE EXTENSION vector as a superuser.")]
    public static partial void PgvectorMissing(ILogger logger, string reason);

    [LoggerMessage(2103, LogLevel.Warning, "PostgreSQL failed to {Operation} with a transient error ({SqlState}); attempt {Attempt} of {Attempts} in {Delay} ms")]
    public static partial void TransientRetry(ILogger logger, string operation, string sqlState, int attempt, int attempts, long delay, Exception exception);

    [LoggerMessage(2104, LogLevel.Error, "PostgreSQL failed to {Operation} ({SqlState})")]
    public static partial void StoreError(ILogger logger, string operation, string sqlState, Exception exception);

    [LoggerMessage(2105, LogLevel.Warning, "The PostgreSQL role {Role} is a superuser or has BYPASSRLS: row-level security does not apply to it. Connect as an ordinary role.")]
    public static partial void RoleBypassesRls(ILogger logger, string role);

    [LoggerMessage(2106, LogLevel.Debug, "Ignored {Transition} of job item {ItemId}: it is no longer running (its lease ran out and it was taken over, or it already ended)")]
    public static partial void ItemTransitionIgnored(ILogger logger, string transition, long itemId);

    [LoggerMessage(2107, LogLevel.Information, "Cancelled job {JobId}: {Items} items will not run")]
    public static partial void JobCancelled(ILogger logger, string jobId, int items);

    [LoggerMessage(2108, LogLevel.Information, "Created index generation {Generation} for {Model} ({Dimensions} dimensions, {VectorStorage})")]
    public static partial void GenerationCreated(ILogger logger, int generation, string model, int dimensions, string vectorStorage);
}
