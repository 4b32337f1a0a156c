using System.ComponentModel.DataAnnotations;
using Verity.Postgres;
using Verity.Sqlite;

namespace Verity.Server.Infrastructure;

/// <summary>Chooses the deployment shape from configuration: the embedded SQLite file (the default) or one
/// PostgreSQL database shared by API replicas and workers.</summary>
public static class StoreSelection
{
    /// <summary><c>Verity:Store</c> (environment <c>Verity__Store</c>, command line <c>--store</c>).</summary>
    public const string ConfigurationKey = "Verity:Store";

    /// <summary>Binds <see cref="PostgresStoreOptions"/>.</summary>
    public const string PostgresSection = "Verity:Postgres";

    /// <summary>The configured store: <c>Verity:Store</c>; when that is empty, PostgreSQL if
    /// <c>Verity:Postgres:ConnectionString</c> is set, else the data directory's SQLite file.</summary>
    public static StoreLocation Resolve(IConfiguration configuration)
    {
        var spec = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(spec) && !string.IsNullOrWhiteSpace(configuration[PostgresSection + ":ConnectionString"]))
        {
            return StoreLocation.Postgres(null);
        }

        return StoreLocation.Parse(spec, DataDirectory.Resolve(configuration));
    }

    /// <summary>Registers the store of <paramref name="location"/> (and the location itself, for display).</summary>
    public static IServiceCollection AddVerityStore(this IServiceCollection services, StoreLocation location, IConfiguration configuration)
    {
        services.AddSingleton(location);
        return location.Kind == StoreKind.Sqlite
            ? services.AddVeritySqlite(new SqliteStoreOptions { Path = location.SqlitePath! })
            : services.AddVerityPostgres(PostgresOptions(location, configuration));
    }

    /// <summary><c>Verity:Postgres</c> with the connection string of <paramref name="location"/> (when it has one),
    /// validated; the error names the setting, never the connection string.</summary>
    public static PostgresStoreOptions PostgresOptions(StoreLocation location, IConfiguration configuration)
    {
        var options = new PostgresStoreOptions();
        try
        {
            configuration.GetSection(PostgresSection).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{PostgresSection} has a value of the wrong type: {e.Message}", e);
        }

        if (location.ConnectionString is not null)
        {
            options.ConnectionString = location.ConnectionString;
        }

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException(
                $"{PostgresSection} is invalid: {string.Join(" ", errors.Select(e => e.ErrorMessage))} " +
                "The connection string comes from --store postgres:<connection string>, Verity:Store or Verity:Postgres:ConnectionString.");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.RetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{PostgresSection}: CommandTimeout must be positive and RetryDelay not negative.");
        }

        if (location.ConnectionString is null)
        {
            // Validated here for a connection string that came from configuration rather than --store.
            _ = StoreLocation.Parse("postgres:" + options.ConnectionString, ".");
        }

        return options;
    }
}
