using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Server.Infrastructure;

namespace Verity.Cli;

/// <summary>The services of the offline commands (ingest, search, ask): the same configuration keys and wiring as
/// the server, without HTTP.</summary>
internal static class CliHost
{
    public static async Task<ServiceProvider> StartAsync(string? dataDirectory, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(dataDirectory);
        var services = new ServiceCollection();
        // The commands report outcomes themselves (a failed file is in the summary); logs are for errors, and go to
        // standard error so that --json output stays parseable.
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Error)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddVerityServices(configuration);
        var provider = services.BuildServiceProvider();
        await provider.InitializeIndexAsync(cancellationToken);
        return provider;
    }

    public static IConfiguration BuildConfiguration(string? dataDirectory)
    {
        var overrides = new Dictionary<string, string?>();
        if (dataDirectory is not null)
        {
            overrides[DataDirectory.ConfigurationKey] = dataDirectory;
        }

        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }
}
