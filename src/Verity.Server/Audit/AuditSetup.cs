using Verity.Core.Audit;

namespace Verity.Server.Audit;

/// <summary>Marks an endpoint as audited with the action its records carry.</summary>
public sealed record AuditedEndpoint(string Action);

public static class AuditSetup
{
    /// <summary>The per-request <see cref="AuditContext"/> and <see cref="AuditOptions"/> from <c>Verity:Audit</c>;
    /// the <see cref="IAuditLog"/> comes with the store.</summary>
    public static IServiceCollection AddVerityAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection("Verity:Audit"));
        services.AddScoped<AuditContext>();
        return services;
    }

    /// <summary>Records every request to an endpoint marked <c>Audited(action)</c>; goes first in the
    /// pipeline, so that the status written by the exception handler, authorization and the rate limiter is seen.</summary>
    public static IApplicationBuilder UseVerityAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();
}
