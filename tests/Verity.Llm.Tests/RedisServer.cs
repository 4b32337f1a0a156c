using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Verity.Llm.Tests;

/// <summary>A throw-away <c>redis-server</c> on 127.0.0.1 (no persistence), started for a test class and stopped
/// after it. Needs the <c>redis-server</c> package (scripts/test.sh installs it).</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "verity-redis-" + Guid.NewGuid().ToString("N"));

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Port = FreePort();
        var pidFile = Path.Combine(_directory, "redis.pid");
        await RunAsync("redis-server",
            $"--bind 127.0.0.1 --port {Port} --save '' --appendonly no --daemonize yes --dir {_directory} --pidfile {pidFile} --logfile {Path.Combine(_directory, "redis.log")}");
        for (var i = 0; i < 100; i++)
        {
            if (File.Exists(pidFile) && await PingAsync())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"redis-server did not start on port {Port}; see {_directory}/redis.log");
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Stops the server (the fixture may then be disposed as usual).</summary>
    public async Task StopAsync()
    {
        var pidFile = Path.Combine(_directory, "redis.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }

            File.Delete(pidFile);
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{file} could not be started; install it (apt-get install -y redis-server).");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}{await process.StandardOutput.ReadToEndAsync()}");
        }
    }
}
