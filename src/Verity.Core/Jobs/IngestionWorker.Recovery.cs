using System.Diagnostics;

namespace Verity.Core.Jobs;

/// <summary>Who holds a lease, and crash recovery: a worker that starts hands back the leases of dead processes on
/// its machine instead of waiting for them to run out.</summary>
public sealed partial class IngestionWorker
{
    /// <summary>Identifies this process's leases: host, process id and start time, so that a later process can
    /// tell the leases of a dead one from those of a live one.</summary>
    public static string OwnerId { get; } = CreateOwnerId();

    /// <summary>Hands back at once the leases of workers on this machine whose process is gone (killed, crashed),
    /// so their items run now instead of when the leases run out. Leases of other machines are left to expire.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var owner in await _jobs.ListLeaseOwnersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (owner != OwnerId && IsDeadLocalOwner(owner))
            {
                var count = await _jobs.ReleaseLeasesAsync(owner, cancellationToken).ConfigureAwait(false);
                Log.LeasesReleased(_logger, count, owner);
                released += count;
            }
        }

        return released;
    }

    internal static bool IsDeadLocalOwner(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // The id may have been reused by a later process: the start time tells them apart.
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - started) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static string CreateOwnerId()
    {
        using var process = Process.GetCurrentProcess();
        return $"{Environment.MachineName}/{Environment.ProcessId}/{process.StartTime.ToUniversalTime().Ticks}";
    }
}
