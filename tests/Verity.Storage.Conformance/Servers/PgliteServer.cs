using System.Diagnostics;
using Npgsql;

namespace Verity.Storage.Conformance.Servers;

/// <summary>
/// PostgreSQL 18 with the real pgvector extension, compiled to WebAssembly (PGlite) and served over the wire
/// protocol by pglite-socket: the only pgvector these machines have. It runs one backend session shared by every
/// connection, so it is used only for the store's vector and hybrid behaviour, one test at a time, through a pool
/// of one connection that is not reset between uses (see ../shared/ENVIRONMENT.md). It is not a performance
/// reference. The npm packages come from tests/pglite (installed by scripts/test.sh, or here when missing).
/// </summary>
public sealed class PgliteServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>The connection string every store under test uses.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Maximum Pool Size=1;No Reset On Close=true;Timeout=30;Command Timeout=120";

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(ExternalProcess.RepositoryRoot(), "tests", "pglite");
        var server = Path.Combine(folder, "node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js");
        if (!File.Exists(server))
        {
            await ExternalProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, TimeSpan.FromMinutes(5));
        }

        var bin = Path.Combine(folder, "node_modules", ".bin", "pglite-server");
        Port = ExternalProcess.FreePort();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { bin, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-m", "16", "-e", "@electric-sql/pglite-pgvector:vector" })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node for PGlite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync();
                break;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
            {
                if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"PGlite did not start on port {Port}: {e.Message}", e);
                }

                await Task.Delay(200);
            }
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Empties the database: every test starts from nothing (the vector extension goes too and is created
    /// again by the store's migration).</summary>
    public async Task ResetAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", connection);
        await command.ExecuteNonQueryAsync();
        await connection.CloseAsync();
        NpgsqlConnection.ClearAllPools();
    }

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}
