namespace Verity.Deploy.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from (found by walking up to Verity.slnx).</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Verity.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Verity.slnx not found above {AppContext.BaseDirectory}.");
    }
}
