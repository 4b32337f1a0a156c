using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Server.Infrastructure;

namespace Verity.Cli;

/// <summary>The services of the offline commands (ingest, search, ask, ...): the same configuration keys and
/// wiring as the server, without HTTP.</summary>
internal static class CliHost
{
    /// <summary>Starts the services on the store of <c>--data</c>/<c>--store</c> (else configuration).</summary>
    public static Task<ServiceProvider> StartAsync(ParseResult parse, CancellationToken cancellationToken) =>
        StartAsync(parse.GetValue(CliOptions.Data), parse.GetValue(CliOptions.Store), cancellationToken);

    public static async Task<ServiceProvider> StartAsync(string? dataDirectory, string? store, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(dataDirectory, store);
        var services = new ServiceCollection();
        AddLogging(services, configuration);
        services.AddVerityServices(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            await provider.InitializeIndexAsync(cancellationToken);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>The commands report outcomes themselves (a failed file is in the summary); logs are for errors, and
    /// go to standard error so that --json output stays parseable.</summary>
    public static void AddLogging(IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Error)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    public static IConfiguration ConfigurationFor(ParseResult parse) =>
        BuildConfiguration(parse.GetValue(CliOptions.Data), parse.GetValue(CliOptions.Store));

    public static IConfiguration BuildConfiguration(string? dataDirectory, string? store = null)
    {
        var overrides = new Dictionary<string, string?>();
        if (dataDirectory is not null)
        {
            overrides[DataDirectory.ConfigurationKey] = dataDirectory;
        }

        if (store is not null)
        {
            overrides[StoreSelection.ConfigurationKey] = store;
        }

        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }
}
