using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core;
using Verity.Core.Security;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

/// <summary><c>verity migrate-store --from STORE --to STORE</c>: copies an index between stores (SQLite to
/// PostgreSQL to grow into the scale-out shape, and back), without parsing or embedding anything again.</summary>
internal static class MigrateStoreCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The store to copy from (sqlite:PATH, postgres:<connection string>, ...).", Required = true };
        var to = new Option<string>("--to") { Description = "The store to copy into; created or migrated when needed.", Required = true };
        var json = CliOptions.Json();
        var command = new Command(
            "migrate-store",
            "Copy the index (documents, chunks, vectors, parents, metadata, ACLs, source versions) and the API keys from one store to another. " +
            "Unchanged documents are skipped, so a re-run finishes an interrupted copy. Jobs, connector checkpoints and the audit log are not copied. " +
            "Stop writers to the source first.")
        {
            from, to, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var configuration = CliHost.ConfigurationFor(parse);
            var dataDirectory = DataDirectory.Resolve(configuration);
            var source = StoreLocation.Parse(parse.GetValue(from), dataDirectory);
            var target = StoreLocation.Parse(parse.GetValue(to), dataDirectory);
            if (source == target)
            {
                throw new InvalidOperationException("--from and --to name the same store.");
            }

            if (source.Kind == StoreKind.Sqlite && !File.Exists(source.SqlitePath))
            {
                throw new InvalidOperationException($"There is no SQLite index at {source.SqlitePath}.");
            }

            var quiet = parse.GetValue(json);
            if (!quiet)
            {
                AnsiConsole.MarkupLine($"Copying [bold]{Markup.Escape(source.ToString())}[/] into [bold]{Markup.Escape(target.ToString())}[/]");
            }

            await using var sourceServices = Open(source, configuration);
            await using var targetServices = Open(target, configuration);
            var summary = await CopyWithProgressAsync(sourceServices, targetServices, quiet, ct);
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
            }
            else
            {
                Print(summary);
            }

            return 0;
        }));
        return command;
    }

    private static ServiceProvider Open(StoreLocation location, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        CliHost.AddLogging(services, configuration);
        services.AddVerityStore(location, configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<StoreCopySummary> CopyWithProgressAsync(
        ServiceProvider source, ServiceProvider target, bool quiet, CancellationToken cancellationToken)
    {
        Task<StoreCopySummary> Copy(IProgress<StoreCopyProgress>? progress) => StoreCopier.CopyAsync(
            source.GetRequiredService<IIndexStore>(), source.GetRequiredService<IApiKeyStore>(),
            target.GetRequiredService<IIndexStore>(), target.GetRequiredService<IApiKeyStore>(),
            progress, cancellationToken);

        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastDecile = -1;
            return await Copy(new InlineProgress(p =>
            {
                var decile = p.Done * 10 / p.Total;
                if (!quiet && decile != lastDecile)
                {
                    lastDecile = decile;
                    Console.Error.WriteLine($"migrate-store: {p.Done}/{p.Total} documents ({p.Current})");
                }
            }));
        }

        StoreCopySummary? summary = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Copying", maxValue: 1);
                summary = await Copy(new InlineProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = p.Current.Length > 40 ? "…" + p.Current[^39..] : p.Current;
                }));
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    private static void Print(StoreCopySummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("tenants").AddColumn("documents").AddColumn("copied")
            .AddColumn("unchanged").AddColumn("kept newer in target").AddColumn("chunks copied").AddColumn("API keys copied").AddColumn("time");
        table.AddRow(
            summary.Tenants.ToString(), summary.Documents.ToString(), summary.Copied.ToString(), summary.Unchanged.ToString(),
            summary.KeptNewer.ToString(), summary.Chunks.ToString(), $"{summary.KeysCopied} ({summary.KeysUnchanged} already there)",
            $"{summary.Elapsed.TotalSeconds:0.00} s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Not copied: queued jobs, connector checkpoints (the next sync of a folder re-reads it and skips unchanged content) and the audit log.[/]");
    }

    private sealed class InlineProgress(Action<StoreCopyProgress> report) : IProgress<StoreCopyProgress>
    {
        public void Report(StoreCopyProgress value) => report(value);
    }
}
