using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>The index conformance suite on a real PostgreSQL 15 without pgvector, as the ordinary application role
/// (so row-level security applies to every statement): vectors as real[] searched exactly. Each test gets a new
/// database; the export test copies into a second one.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresExactIndexStoreTests : IndexStoreConformanceTests, IDisposable
{
    private readonly PostgresServer _server;
    private readonly List<PostgresDatabase> _databases = [];
    private readonly PostgresDatabase _database;

    public PostgresExactIndexStoreTests(PostgresServer server)
    {
        _server = server;
        _database = Open(server.CreateDatabase());
    }

    protected override IIndexStore CreateStore() => new PostgresIndexStore(_database, NullLogger<PostgresIndexStore>.Instance);

    protected override IIndexStore? CreateStoreOverFreshStorage() =>
        new PostgresIndexStore(Open(_server.CreateDatabase()), NullLogger<PostgresIndexStore>.Instance);

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    private PostgresDatabase Open(string connectionString)
    {
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return database;
    }
}
