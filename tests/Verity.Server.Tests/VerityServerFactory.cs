using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Verity.Server.Tests;

/// <summary>The real server (routing, JSON, ProblemDetails, Kestrel limits where a socket is used) over a fresh
/// SQLite file in a temp directory.</summary>
public sealed class VerityServerFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } =
        Path.Combine(Path.GetTempPath(), "verity-server-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Extra settings; unless a test sets <c>Auth:Anonymous</c> (or a signing key), the server runs anonymous.</summary>
    public Dictionary<string, string?> Settings { get; } = new() { ["Auth:Anonymous"] = "true" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Verity:DataDirectory", DataDirectory);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
