using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core;

namespace Verity.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the embedded SQLite store as the <see cref="IIndexStore"/>.</summary>
    public static IServiceCollection AddVeritySqlite(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SqliteIndexStore>(sp => new SqliteIndexStore(options, sp.GetRequiredService<ILogger<SqliteIndexStore>>()));
        services.AddSingleton<IIndexStore>(sp => sp.GetRequiredService<SqliteIndexStore>());
        return services;
    }
}
