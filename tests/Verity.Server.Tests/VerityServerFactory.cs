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

    /// <summary>Extra settings. Unless a test changes them, the server runs anonymous and without rate limits (tests
    /// send bursts no client would); RateLimitTests turn the limits on.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Auth:Anonymous"] = "true",
        ["Verity:RateLimits:Enabled"] = "false",
    };

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
