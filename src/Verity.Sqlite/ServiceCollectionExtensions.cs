using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Audit;

namespace Verity.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the embedded SQLite store as the <see cref="IIndexStore"/>, and its audit log (same file)
    /// as the <see cref="IAuditLog"/>.</summary>
    public static IServiceCollection AddVeritySqlite(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SqliteIndexStore>(sp => new SqliteIndexStore(options, sp.GetRequiredService<ILogger<SqliteIndexStore>>()));
        services.AddSingleton<IIndexStore>(sp => sp.GetRequiredService<SqliteIndexStore>());
        services.AddSingleton<IAuditLog>(sp => new SqliteAuditLog(options, sp.GetRequiredService<ILogger<SqliteAuditLog>>()));
        services.AddSingleton<Verity.Core.Security.IApiKeyStore>(sp => new SqliteApiKeyStore(options, sp.GetRequiredService<ILogger<SqliteApiKeyStore>>()));
        return services;
    }
}
