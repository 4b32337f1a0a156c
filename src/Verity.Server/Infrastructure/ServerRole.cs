namespace Verity.Server.Infrastructure;

/// <summary>What one process of a deployment does (<c>verity serve --role</c>, <c>Verity:Role</c>).</summary>
public enum ServerRole
{
    /// <summary>HTTP and the ingestion worker in one process (the embedded shape, and the default).</summary>
    All,

    /// <summary>HTTP only: ingestion jobs are queued in the store for worker processes; configured folder sources
    /// are not synced here.</summary>
    Api,

    /// <summary>No HTTP: runs queued ingestion jobs (what <c>verity worker</c> does).</summary>
    Worker,
}

public static class ServerRoles
{
    public const string ConfigurationKey = "Verity:Role";

    /// <summary><c>Verity:Role</c>: all (default), api or worker.</summary>
    public static ServerRole Resolve(IConfiguration configuration) => Parse(configuration[ConfigurationKey]);

    public static ServerRole Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return ServerRole.All;
        }

        // By name only: Enum.TryParse would also take numbers and comma-separated combinations.
        foreach (var role in Enum.GetValues<ServerRole>())
        {
            if (role.ToString().Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return role;
            }
        }

        throw new InvalidOperationException($"Verity:Role must be all, api or worker (got '{value}').");
    }
}
