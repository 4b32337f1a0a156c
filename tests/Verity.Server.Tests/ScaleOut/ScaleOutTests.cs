using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.ScaleOut;

/// <summary>The scale-out tests share one real PostgreSQL server (a fresh database per test) and run alone: they
/// start several <c>verity</c> processes each, and a SIGKILL timed against progress must not compete with the
/// rest of the suite for the two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutTests : ICollectionFixture<PostgresServer>
{
    public const string Name = "Scale-out on PostgreSQL";
}
