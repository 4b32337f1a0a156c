using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Infrastructure;

/// <summary>Tests against the real PostgreSQL server (one server for the whole collection; tests run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}

/// <summary>Tests against PGlite with pgvector (one shared backend session: strictly one test at a time).</summary>
[CollectionDefinition(Name)]
public sealed class PgliteTests : ICollectionFixture<PgliteServer>
{
    public const string Name = "PGlite with pgvector";
}
