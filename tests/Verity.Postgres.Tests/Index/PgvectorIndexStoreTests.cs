using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>The index conformance suite on PostgreSQL 18 with real pgvector (PGlite): vectors in a pgvector column,
/// dense search read from the HNSW index. PGlite connects as a superuser, so row-level security is proven on the
/// real server instead (<see cref="IndexRowLevelSecurityTests"/>).</summary>
[Collection(PgliteTests.Name)]
public sealed class PgvectorIndexStoreTests : IndexStoreConformanceTests, IDisposable
{
    private readonly PgliteServer _server;
    private readonly PostgresDatabase _database;

    public PgvectorIndexStoreTests(PgliteServer server)
    {
        _server = server;
        server.ResetAsync().GetAwaiter().GetResult();
        // The suite's indexes are tiny, where the planner would rightly scan and sort instead of walking the HNSW
        // graph, and far below the store's exact-scan threshold: with the threshold at 1 and index scans forced,
        // every dense search whose filter matches at least as many chunks as it asks for is read from the index
        // (iterative scans, and the exact fall-back when a filter leaves it short).
        PgliteIndexScans.ForceAsync(server).GetAwaiter().GetResult();
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = server.ConnectionString }, NullLogger<PostgresDatabase>.Instance);
    }

    protected override IIndexStore CreateStore() =>
        new PostgresIndexStore(_database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = 1 };

    public void Dispose()
    {
        PgliteIndexScans.ResetAsync(_server).GetAwaiter().GetResult();
        _database.Dispose();
    }
}
