using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Verity.Core.Connectors;

/// <summary>
/// Watch mode for a folder: calls back once the tree has been quiet for <see cref="FolderWatcherOptions.Debounce"/>
/// after changes (a burst of writes, a checkout, a copy of many files becomes one call), when the operating system
/// reports lost events, and every <see cref="FolderWatcherOptions.Interval"/> as a safety net. The callback is meant
/// to run a scan, which compares the whole tree with its checkpoint, so it needs no list of changed paths and no
/// event is lost by coalescing. Calls never overlap; changes during a call cause one more call after it.
/// </summary>
public sealed class FolderWatcher : IAsyncDisposable, IDisposable
{
    private readonly string _root;
    private readonly Func<FolderWatchTrigger, CancellationToken, Task> _onChange;
    private readonly FolderWatcherOptions _options;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _pending;
    private int _overflow;
    private long _lastEvent;
    private int _disposed;

    /// <summary>Starts watching <paramref name="root"/> and its subfolders.</summary>
    public FolderWatcher(
        string root,
        Func<FolderWatchTrigger, CancellationToken, Task> onChange,
        FolderWatcherOptions? options = null,
        ILogger<FolderWatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(_root))
        {
            throw new InvalidRequestException($"The folder '{_root}' does not exist.", "path");
        }

        _onChange = onChange;
        _options = options ?? new FolderWatcherOptions();
        _options.Validate();
        _logger = logger ?? NullLogger<FolderWatcher>.Instance;
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = _options.BufferSize,
        };
        _watcher.Created += OnEvent;
        _watcher.Changed += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnRenamed;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = true;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Changes seen and not yet handed to a callback.</summary>
    internal int PendingEvents => Volatile.Read(ref _pending);

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (IsRelevant(e.Name))
        {
            Signal();
        }
    }

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (IsRelevant(e.Name) || IsRelevant(e.OldName))
        {
            Signal();
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        Log.WatcherOverflow(_logger, _root, e.GetException());
        Volatile.Write(ref _overflow, 1);
        Signal();
    }

    private void Signal()
    {
        Interlocked.Increment(ref _pending);
        Volatile.Write(ref _lastEvent, Environment.TickCount64);
        _signal.Writer.TryWrite(true);
    }

    // Editors' swap files, version-control folders and other hidden entries are skipped by scans, so their churn
    // must not cost one; the folder sidecars are dot-files that scans do read.
    private static bool IsRelevant(string? relativePath)
    {
        if (string.IsNullOrEmpty(relativePath))
        {
            return true;
        }

        var parts = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (parts[i].StartsWith('.') && !(last && FolderConnector.IsSidecar(parts[i])))
            {
                return false;
            }
        }

        return true;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var signalled = await WaitForSignalAsync(cancellationToken).ConfigureAwait(false);
                if (signalled)
                {
                    await WaitForQuietAsync(cancellationToken).ConfigureAwait(false);
                }

                // The signal is drained before the count is taken: an event after this point signals again, so it
                // is either in this call or causes the next one.
                _signal.Reader.TryRead(out _);
                var events = Interlocked.Exchange(ref _pending, 0);
                var overflow = Interlocked.Exchange(ref _overflow, 0) == 1;
                if (signalled && events == 0 && !overflow)
                {
                    continue;
                }

                var reason = overflow ? FolderWatchReason.Overflow : events > 0 ? FolderWatchReason.Changes : FolderWatchReason.Interval;
                cancellationToken.ThrowIfCancellationRequested();
                await _onChange(new FolderWatchTrigger(reason, events), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.WatchCallbackFailed(_logger, _root, e);
            }
        }
    }

    /// <summary>True when changes arrived; false when the safety interval ran out first.</summary>
    private async Task<bool> WaitForSignalAsync(CancellationToken cancellationToken)
    {
        if (_options.Interval is not { } interval)
        {
            return await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(interval);
        try
        {
            return await _signal.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // Waits until no event has arrived for the debounce time, but no longer than MaxDelay in all, so that a folder
    // that never stops changing is still scanned.
    private async Task WaitForQuietAsync(CancellationToken cancellationToken)
    {
        var debounce = (long)_options.Debounce.TotalMilliseconds;
        var deadline = Environment.TickCount64 + (long)_options.MaxDelay.TotalMilliseconds;
        while (true)
        {
            var now = Environment.TickCount64;
            var quietFor = now - Volatile.Read(ref _lastEvent);
            if (quietFor >= debounce || now >= deadline)
            {
                return;
            }

            var wait = Math.Min(debounce - quietFor, deadline - now);
            await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops watching; a callback that is running is cancelled and not awaited.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _stopping.Cancel();
    }

    /// <summary>Stops watching and waits for a running callback to end (so it must not be awaited from the callback).</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}

public sealed record FolderWatcherOptions
{
    /// <summary>How long the tree must be quiet before a callback.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest a callback waits for quiet once changes began.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A callback at least this often even without events (null: none), for file systems whose events are
    /// unreliable (network shares, some container mounts).</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>The operating system's event buffer; a burst larger than it reports an overflow.</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    internal void Validate()
    {
        if (Debounce < TimeSpan.Zero || MaxDelay < Debounce)
        {
            throw new InvalidRequestException("The debounce must not be negative, and the maximum delay not shorter than it.", "debounce");
        }

        if (Interval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new InvalidRequestException("The safety interval must be positive.", "interval");
        }

        if (BufferSize is < 4096 or > 64 * 1024)
        {
            throw new InvalidRequestException("The watcher buffer must be between 4 kB and 64 kB.", "bufferSize");
        }
    }
}

public enum FolderWatchReason
{
    /// <summary>Files or sidecars changed.</summary>
    Changes,

    /// <summary>The operating system dropped events; only a full comparison is reliable.</summary>
    Overflow,

    /// <summary>The safety interval ran out without events.</summary>
    Interval,
}

/// <param name="Events">File system events coalesced into this call.</param>
public sealed record FolderWatchTrigger(FolderWatchReason Reason, int Events);
