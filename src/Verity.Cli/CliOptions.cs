using System.CommandLine;
using Verity.Core.Model;

namespace Verity.Cli;

internal static class CliOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = "Data directory holding the index (default: $VERITY_DATA, else ./.verity).",
        Recursive = true,
    };

    public static readonly Option<string?> Store = new("--store")
    {
        Description = "Where the index lives: sqlite:PATH (default: the data directory's verity.db), postgres:<connection string>, " +
            "a bare connection string \"Host=...;Database=...\", or postgres (connection string from Verity__Postgres__ConnectionString). " +
            "Default: $Verity__Store. Prefer the environment for passwords: command lines are visible to other users.",
        Recursive = true,
    };

    public static Option<string> Urls(string fallback) => new("--urls")
    {
        Description = "Addresses to listen on, separated by ';'.",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of formatted text." };

    public static Option<SearchMode> Mode() => new("--mode")
    {
        Description = "Retrieval mode: hybrid, dense or lexical.",
        DefaultValueFactory = _ => SearchMode.Hybrid,
    };

    public static Option<int?> TopK() => new("--top-k", "-k") { Description = "Number of results (sources for ask)." };
}
