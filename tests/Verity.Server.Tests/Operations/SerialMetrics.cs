namespace Verity.Server.Tests.Operations;

/// <summary>
/// Tests that read values off <c>/metrics</c> run alone. Meters are process-wide: every test server in this process
/// creates a <c>Verity</c> meter (and ASP.NET Core's) with the same instrument names, and the SDK folds such duplicates
/// into one stream, which another server shutting down mid-test can reset. In production one process hosts one
/// server, so this only concerns tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialMetrics
{
    public const string Name = "Metrics scrapes";
}
