using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Jobs;
using Verity.Core.Security;

namespace Verity.Postgres;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the scale-out store: one <see cref="PostgresDatabase"/> per process (its connection pool,
    /// disposed with the container) shared by the index (<see cref="IIndexStore"/>, with one-round-trip hybrid search
    /// and export), the durable ingestion queue (<see cref="IIngestJobStore"/>, using the registered
    /// <see cref="TimeProvider"/>, if any), the audit log and the API keys.</summary>
    public static IServiceCollection AddVerityPostgres(this IServiceCollection services, PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(sp => new PostgresDatabase(options, sp.GetRequiredService<ILogger<PostgresDatabase>>()));
        services.AddSingleton(sp => new PostgresIndexStore(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresIndexStore>>()));
        services.AddSingleton<IIndexStore>(sp => sp.GetRequiredService<PostgresIndexStore>());
        services.AddSingleton<IHybridSearchStore>(sp => sp.GetRequiredService<PostgresIndexStore>());
        services.AddSingleton<IIndexExporter>(sp => sp.GetRequiredService<PostgresIndexStore>());
        services.AddSingleton<IIngestJobStore>(sp => new PostgresIngestJobStore(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresIngestJobStore>>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IAuditLog>(sp => new PostgresAuditLog(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresAuditLog>>()));
        services.AddSingleton<IApiKeyStore>(sp => new PostgresApiKeyStore(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresApiKeyStore>>()));
        return services;
    }
}
