namespace Verity.Evaluation.Tests;

/// <summary>The public datasets beside the repository (<c>../shared/datasets</c>), read in place, never copied.</summary>
internal static class SharedDatasets
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<string> LazyRepository = new(FindRepository);

    public static string Root => LazyRoot.Value;

    public static string RepositoryRoot => LazyRepository.Value;

    public static string PathOf(string name) => System.IO.Path.Combine(Root, name);

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Verity.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Verity.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private static string FindRoot() =>
        Environment.GetEnvironmentVariable("VERITY_DATASETS")
        ?? System.IO.Path.GetFullPath(System.IO.Path.Combine(FindRepository(), "..", "shared", "datasets"));
}

/// <summary>A test that needs a dataset from ../shared/datasets; skipped, saying so, when it is absent.</summary>
public sealed class DatasetFactAttribute : FactAttribute
{
    public DatasetFactAttribute(string dataset)
    {
        string path;
        try
        {
            path = SharedDatasets.PathOf(dataset);
        }
        catch (InvalidOperationException e)
        {
            Skip = $"needs the {dataset} dataset, but the repository root is unknown: {e.Message}";
            return;
        }

        if (!File.Exists(System.IO.Path.Combine(path, "corpus.jsonl")))
        {
            Skip = $"needs the {dataset} dataset at {path} (../shared/datasets beside the repository, or VERITY_DATASETS); it is absent here.";
        }
    }
}
