using Npgsql;

namespace Verity.Storage.Conformance.Servers;

/// <summary>
/// A real PostgreSQL server (the one installed on the machine, 15 on Debian 12) in a temporary folder on a free
/// port, started for the tests and stopped after them. It has no pgvector, so the stores fall back to exact vector
/// search here; it is where migrations, row-level security, queue concurrency and racing writers are tested.
/// The application connects as <see cref="AppRole"/>, an ordinary role (NOSUPERUSER NOBYPASSRLS) that owns each
/// test database, exactly as a production deployment should.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string AppRole = "verity_app";

    private string _directory = "";
    private string _bin = "";
    private int _databases;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _directory = Path.Combine(Path.GetTempPath(), "verity-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        if (ExternalProcess.IsRoot)
        {
            await ExternalProcess.RunAsync("chown", ["postgres:", _directory]);
        }

        Port = ExternalProcess.FreePort();
        await AsPostgresAsync(Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale");
        await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(_directory, "log"), "-w", "-t", "60", "start",
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");

        await using var connection = new NpgsqlConnection(SuperuserConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE ROLE {AppRole} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_bin.Length > 0 && Directory.Exists(DataDirectory))
        {
            try
            {
                await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>A new, empty database owned by <see cref="AppRole"/>; returns the application's connection string.</summary>
    public string CreateDatabase() => CreateDatabaseAsync().GetAwaiter().GetResult();

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"verity_test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var connection = new NpgsqlConnection(SuperuserConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {AppRole} TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }

        return AppConnectionString(name);
    }

    public string AppConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={AppRole};Pooling=true;Maximum Pool Size=50;Timeout=15";

    /// <summary>The superuser (which bypasses row-level security): for setting up and inspecting, never for the app.</summary>
    public string SuperuserConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=false;Timeout=15";

    private static async Task AsPostgresAsync(string program, params string[] arguments)
    {
        if (ExternalProcess.IsRoot)
        {
            await ExternalProcess.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], workingDirectory: "/tmp");
        }
        else
        {
            await ExternalProcess.RunAsync(program, arguments);
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql; scripts/test.sh installs them (apt-get install postgresql).");
    }
}
