using Microsoft.Extensions.Options;

namespace Verity.Server.Infrastructure;

/// <summary>Says at start which role this process plays on which store (password masked), and warns about
/// configuration the role ignores, so an operator reading one replica's log knows what it does.</summary>
internal sealed partial class RoleNotice(
    ServerRole role, StoreLocation store, IOptions<SourcesOptions> sources, ILogger<RoleNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogRole(logger, role.ToString().ToLowerInvariant(), store.ToString());
        if (role == ServerRole.Api && sources.Value.Folders.Count > 0)
        {
            LogFolderSourcesIgnored(logger, sources.Value.Folders.Count);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(3301, LogLevel.Information, "Role {Role} on store {Store}")]
    private static partial void LogRole(ILogger logger, string role, string store);

    [LoggerMessage(3302, LogLevel.Warning, "Verity:Sources:Folders lists {Count} folder(s), but an API replica does not sync folders: run `verity ingest PATH --store ...` where the folder is (every worker must see it at the same path), or use role all")]
    private static partial void LogFolderSourcesIgnored(ILogger logger, int count);
}
