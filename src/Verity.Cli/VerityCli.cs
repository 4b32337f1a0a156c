using System.CommandLine;
using Verity.Cli.Commands;

namespace Verity.Cli;

public static class VerityCli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Verity: grounded, cited answers over your documents.");
        root.Options.Add(CliOptions.Data);
        root.Options.Add(CliOptions.Store);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(MigrateStoreCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(AskCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        return root;
    }
}
