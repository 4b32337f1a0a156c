using Microsoft.Extensions.Configuration;
using Npgsql;
using Verity.Postgres;
using Verity.Server.Infrastructure;

namespace Verity.Server.Tests.ScaleOut;

/// <summary>How <c>--store</c> / <c>Verity:Store</c> and <c>Verity:Postgres:*</c> choose and configure the store, and
/// that a password never appears in what is printed.</summary>
public sealed class StoreSelectionTests
{
    private const string Secret = "tr0ub4dor&3";
    private static readonly string Data = Path.Combine(Path.GetTempPath(), "verity-store-selection");

    [Fact]
    public void Parse_NothingGiven_IsTheDataDirectorysSqliteFile()
    {
        var location = StoreLocation.Parse(null, Data);

        Assert.Equal(StoreKind.Sqlite, location.Kind);
        Assert.Equal(Path.Combine(Data, "verity.db"), location.SqlitePath);
        Assert.Equal(location, StoreLocation.Parse("sqlite", Data));
    }

    [Theory]
    [InlineData("sqlite:/srv/verity/index.db", "/srv/verity/index.db")]
    [InlineData("SQLite:/srv/verity/", "/srv/verity/verity.db")]
    public void Parse_SqlitePath_IsThatFileOrTheFileInThatFolder(string spec, string expected)
    {
        var location = StoreLocation.Parse(spec, Data);

        Assert.Equal(StoreKind.Sqlite, location.Kind);
        Assert.Equal(expected, location.SqlitePath);
    }

    [Theory]
    [InlineData("postgres:Host=db;Database=verity;Username=app;Password=" + Secret)]
    [InlineData("postgresql:Host=db;Database=verity;Username=app;Password=" + Secret)]
    [InlineData("Host=db;Database=verity;Username=app;Password=" + Secret)]
    [InlineData("postgres://app:" + "tr0ub4dor%263" + "@db/verity")]
    public void Parse_PostgresForms_GiveTheConnectionStringAndPrintMasked(string spec)
    {
        var location = StoreLocation.Parse(spec, Data);

        Assert.Equal(StoreKind.Postgres, location.Kind);
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal(("db", "verity", "app", Secret), (builder.Host, builder.Database, builder.Username, builder.Password));
        Assert.DoesNotContain(Secret, location.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password=***", location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PostgresUrlWithPortAndOptions_KeepsThem()
    {
        var builder = new NpgsqlConnectionStringBuilder(
            StoreLocation.Parse("postgresql://app@db.internal:6432/verity?sslmode=require&Maximum%20Pool%20Size=20", Data).ConnectionString);

        Assert.Equal(6432, builder.Port);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal(20, builder.MaxPoolSize);
    }

    [Theory]
    [InlineData("mysql:whatever")]
    [InlineData("/srv/verity/index.db")]
    [InlineData("postgres:Host=db;Bogus Keyword=" + Secret)]
    public void Parse_UnusableStore_ThrowsWithoutEchoingIt(string spec)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreLocation.Parse(spec, Data));

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("whatever", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_StoreUnsetButPostgresConnectionStringConfigured_ChoosesPostgresWithTheBoundOptions()
    {
        var configuration = Configuration(new()
        {
            ["Verity:Postgres:ConnectionString"] = "Host=db;Username=app;Password=" + Secret,
            ["Verity:Postgres:HnswEfSearch"] = "200",
            ["Verity:Postgres:VectorSearch"] = "Exact",
            ["Verity:Postgres:CommandTimeout"] = "00:00:05",
        });

        var location = StoreSelection.Resolve(configuration);
        var options = StoreSelection.PostgresOptions(location, configuration);

        Assert.Equal(StoreKind.Postgres, location.Kind);
        Assert.Equal("postgres:(Verity:Postgres:ConnectionString)", location.ToString());
        Assert.Equal(200, options.HnswEfSearch);
        Assert.Equal(PostgresVectorSearch.Exact, options.VectorSearch);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        Assert.Equal("Host=db;Username=app;Password=" + Secret, options.ConnectionString);
    }

    [Fact]
    public void PostgresOptions_StoreGivesTheConnectionString_OverridesTheConfiguredOne()
    {
        var configuration = Configuration(new() { ["Verity:Postgres:ConnectionString"] = "Host=old", ["Verity:Store"] = "postgres:Host=new" });

        var options = StoreSelection.PostgresOptions(StoreSelection.Resolve(configuration), configuration);

        Assert.Equal("Host=new", options.ConnectionString);
    }

    [Theory]
    [InlineData("Verity:Postgres:HnswM", "1", "HnswM")]
    [InlineData("Verity:Postgres:MaxRetries", "11", "MaxRetries")]
    [InlineData("Verity:Postgres:CommandTimeout", "00:00:00", "CommandTimeout")]
    public void PostgresOptions_OutOfRange_ThrowsNamingTheSettingNotTheConnectionString(string key, string value, string named)
    {
        var configuration = Configuration(new() { ["Verity:Store"] = "postgres:Host=db;Password=" + Secret, [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => StoreSelection.PostgresOptions(StoreSelection.Resolve(configuration), configuration));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresOptions_PostgresWithoutAnyConnectionString_ThrowsSayingWhereToPutIt()
    {
        var configuration = Configuration(new() { ["Verity:Store"] = "postgres" });

        var error = Assert.Throws<InvalidOperationException>(() => StoreSelection.PostgresOptions(StoreSelection.Resolve(configuration), configuration));

        Assert.Contains("Verity:Postgres:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
