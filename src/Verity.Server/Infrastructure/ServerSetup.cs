using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Verity.Core;
using Verity.Llm;
using Verity.Server.Audit;
using Verity.Server.Security;
using Verity.Server.Telemetry;

namespace Verity.Server.Infrastructure;

public static class ServerSetup
{
    public static JsonSerializerOptions ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>The pipeline and the store, chosen and configured from <c>Verity:*</c> (the store from
    /// <c>Verity:Store</c>, see <see cref="StoreSelection"/>); shared by the server and the CLI's offline commands.</summary>
    public static IServiceCollection AddVerityServices(this IServiceCollection services, IConfiguration configuration)
    {
        var coreOptions = new VerityCoreOptions();
        configuration.GetSection("Verity").Bind(coreOptions);

        // Models first: the core adds its hashing embedder only when no embedding generator is registered, and
        // chains whatever ChatModels are, in their order, before the extractive generator.
        var llm = new Verity.Llm.LlmOptions();
        configuration.GetSection(Verity.Llm.LlmOptions.SectionName).Bind(llm);
        services.AddVerityLlm(llm);
        services.AddVerityCore(coreOptions);
        if (!string.IsNullOrWhiteSpace(coreOptions.Cache.Redis))
        {
            services.AddVerityRedisCache(coreOptions.Cache.Redis);
        }

        services.AddVerityStore(StoreSelection.Resolve(configuration), configuration);
        return services;
    }

    /// <summary>Opens (or creates) the index for the configured embedder and chunker.</summary>
    public static Task InitializeIndexAsync(this IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<IIndexStore>().InitializeAsync(
            IndexInitializer.IndexConfigurationFor(
                services.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
                services.GetRequiredService<Verity.Core.Chunking.IChunker>()),
            cancellationToken);

    public static WebApplicationBuilder AddVerityServer(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;

        // Framework request logs stay at Warning: six lines per request at Information cost real throughput.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddVerityConsole(configuration, LoggingSetup.Json);
        var role = ServerRoles.Resolve(configuration);
        if (role == ServerRole.Worker)
        {
            throw new InvalidOperationException("The worker role serves no HTTP: run `verity worker` (or `verity serve --role worker`).");
        }

        services.AddVerityServices(configuration);
        services.AddHostedService<IndexInitializer>();
        services.AddVerityTelemetry(configuration, role, http: true);
        services.AddOptions<SourcesOptions>().Bind(configuration.GetSection("Verity:Sources"));
        services.AddHostedService(sp => new RoleNotice(
            role, sp.GetRequiredService<StoreLocation>(), sp.GetRequiredService<IOptions<SourcesOptions>>(), sp.GetRequiredService<ILogger<RoleNotice>>()));
        if (role == ServerRole.All)
        {
            // An API replica only queues: workers run the jobs, and the folders are synced where they are mounted.
            services.AddHostedService<IngestionWorkerService>();
            services.AddHostedService<FolderSourcesService>();
        }

        services.AddVerityAuth(configuration);
        services.AddVerityAudit(configuration);
        services.AddVerityRateLimits(configuration);

        services.AddOptions<ServerOptions>().Bind(configuration.GetSection("Verity:Server")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CrawlOptions>().Bind(configuration.GetSection("Verity:Crawl")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, KestrelLimits>();

        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // The framework's own "traceId" is the whole traceparent; callers get the bare trace id, as in X-Trace-Id.
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Extensions["trace_id"] = TraceIdHeader.Of(context.HttpContext);

            // Errors raised by the framework itself (status code pages) get a sentence a caller can act on too.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "No endpoint or resource matches this URL.",
                StatusCodes.Status405MethodNotAllowed => "This endpoint does not accept the HTTP method used.",
                StatusCodes.Status413PayloadTooLarge => "The request body is larger than the server accepts (Verity:Server:MaxRequestBodyBytes).",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON, sent with Content-Type: application/json.",
                _ => null,
            };
        });
        services.AddExceptionHandler<VerityExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Verity API";
            document.Info.Description = "Grounded, cited answers over your documents.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication UseVerityServer(this WebApplication app)
    {
        app.UseTraceIdHeader();
        app.UseVerityAudit();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseTracedAuthentication();
        // After authentication, so budgets are per caller; Verity:RateLimits:Enabled=false leaves no limiter.
        if (app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>().Value.GlobalLimiter is not null)
        {
            app.UseRateLimiter();
        }

        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("Verity API"));
        return app;
    }

    private sealed class KestrelLimits(IOptions<ServerOptions> server)
        : IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>
    {
        public void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions options) =>
            options.Limits.MaxRequestBodySize = server.Value.MaxRequestBodyBytes;
    }
}
