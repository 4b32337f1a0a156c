namespace Verity.Server.Tests.Ingest;

/// <summary>Folders listed in <c>Verity:Sources:Folders</c>: the server ingests them when it starts and, watching
/// them, whatever is added, changed or removed later.</summary>
public sealed class FolderSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "verity-folder-sources", Guid.NewGuid().ToString("N"));
    private readonly VerityServerFactory _factory = new();

    public FolderSourceTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "team"));
        File.WriteAllText(Path.Combine(_folder, "welcome.md"), "# Welcome\n\nThe studio opens at eight with Capybara coffee.\n");
        File.WriteAllText(Path.Combine(_folder, "team", "rota.txt"), "The Tuesday rota is kept by Solveig.\n");
        File.WriteAllText(Path.Combine(_folder, ".hidden.md"), "Hidden files are never Capybara documents.\n");
        _factory.Settings["Verity:Sources:Folders:0:Path"] = _folder;
    }

    [Fact]
    public async Task Start_ConfiguredFolder_IsIngestedAndLaterChangesFollow()
    {
        using var client = _factory.CreateClient();

        await IngestApi.EventuallyAsync(() => client.FindsAsync("Capybara coffee", "welcome.md"), "the folder was not ingested at start");
        Assert.True(await client.FindsAsync("Solveig rota", "team/rota.txt"));
        Assert.DoesNotContain(await client.SearchAsync("Capybara"), r => r.Text("document_id") == ".hidden.md");
        var job = Assert.Single(await client.GetJobListAsync());
        Assert.Equal("folder", job.Text("kind"));
        Assert.Equal("fs:" + _folder, job.Text("source"));

        await File.WriteAllTextAsync(Path.Combine(_folder, "team", "added.md"), "# Added\n\nThe new kiln is fired on Thursdays.\n");
        await IngestApi.EventuallyAsync(() => client.FindsAsync("kiln Thursdays", "team/added.md"), "the watcher did not ingest the added file");

        File.Delete(Path.Combine(_folder, "welcome.md"));
        await IngestApi.EventuallyAsync(async () => !await client.FindsAsync("Capybara coffee", "welcome.md"), "the watcher did not remove the deleted file");
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
