using Verity.Server.Endpoints;
using Verity.Server.Infrastructure;
using Verity.Server.Telemetry;

namespace Verity.Server;

/// <summary>Builds the HTTP host; used by <c>Program</c>, by <c>verity serve</c>/<c>demo</c> and by tests.</summary>
public static class VerityServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddVerityServer();
        builder.AddManagementPort();
        builder.Services.AddOpenAiErrors();

        var app = builder.Build();
        app.UseManagementPort();
        app.UseVerityServer();
        app.MapManagementEndpoints(management => management.MapHealthEndpoints().MapVerityMetrics());
        app.MapChatEndpoints();
        app.MapOpenAiEndpoints();
        app.MapSearchEndpoints();
        app.MapDocumentEndpoints();
        app.MapIngestEndpoints();
        app.MapAuditEndpoints();
        app.MapApiKeyEndpoints();
        app.MapStatusEndpoints();
        app.MapWebUi();
        return app;
    }
}
