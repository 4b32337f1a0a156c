using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the embedded SQLite store as the <see cref="IIndexStore"/>, and in the same file its audit
    /// log as the <see cref="IAuditLog"/>, its API keys and the durable ingestion queue as the
    /// <see cref="IIngestJobStore"/> (which uses the registered <see cref="TimeProvider"/>, if any).</summary>
    public static IServiceCollection AddVeritySqlite(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SqliteIndexStore>(sp => new SqliteIndexStore(options, sp.GetRequiredService<ILogger<SqliteIndexStore>>()));
        services.AddSingleton<IIndexStore>(sp => sp.GetRequiredService<SqliteIndexStore>());
        services.AddSingleton<IAuditLog>(sp => new SqliteAuditLog(options, sp.GetRequiredService<ILogger<SqliteAuditLog>>()));
        services.AddSingleton<Verity.Core.Security.IApiKeyStore>(sp => new SqliteApiKeyStore(options, sp.GetRequiredService<ILogger<SqliteApiKeyStore>>()));
        services.AddSingleton<IIngestJobStore>(sp => new SqliteIngestJobStore(
            options, sp.GetRequiredService<ILogger<SqliteIngestJobStore>>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
