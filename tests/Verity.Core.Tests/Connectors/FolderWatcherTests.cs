using System.Collections.Concurrent;
using System.Diagnostics;
using Verity.Core.Connectors;

namespace Verity.Core.Tests.Connectors;

public sealed class FolderWatcherTests : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private readonly TempFolder _folder = new();
    private readonly ConcurrentQueue<FolderWatchTrigger> _calls = new();

    [Fact]
    public async Task Burst_OfWrites_BecomesOneCallbackAfterTheTreeIsQuiet()
    {
        await using var watcher = Watch();

        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(Path.Combine(_folder.Root, $"f{i}.md"), "# " + i);
        }

        await WaitUntil(() => !_calls.IsEmpty);
        await Task.Delay(Debounce * 3);
        var call = Assert.Single(_calls);
        Assert.Equal(FolderWatchReason.Changes, call.Reason);
        Assert.True(call.Events >= 20, $"{call.Events} events for 20 new files");
    }

    [Fact]
    public async Task ChangesDuringACallback_CauseExactlyOneMoreCallback()
    {
        var release = new TaskCompletionSource();
        await using var watcher = Watch(async trigger =>
        {
            if (_calls.Count == 1)
            {
                await release.Task;
            }
        });
        File.WriteAllText(Path.Combine(_folder.Root, "a.md"), "# A");
        await WaitUntil(() => !_calls.IsEmpty);

        File.WriteAllText(Path.Combine(_folder.Root, "b.md"), "# B");
        File.WriteAllText(Path.Combine(_folder.Root, "c.md"), "# C");
        await WaitUntil(() => watcher.PendingEvents >= 2);
        release.SetResult();

        await WaitUntil(() => _calls.Count == 2);
        await Task.Delay(Debounce * 3);
        Assert.Equal(2, _calls.Count);
    }

    [Fact]
    public async Task Dispose_StopsCallbacks()
    {
        var watcher = Watch();
        await watcher.DisposeAsync();

        File.WriteAllText(Path.Combine(_folder.Root, "a.md"), "# A");
        await Task.Delay(Debounce * 3);

        Assert.Empty(_calls);
    }

    [Fact]
    public async Task HiddenFiles_DoNotTriggerButFolderSidecarsDo()
    {
        await using var watcher = Watch();

        Directory.CreateDirectory(Path.Combine(_folder.Root, ".git"));
        File.WriteAllText(Path.Combine(_folder.Root, ".git", "index"), "x");
        File.WriteAllText(Path.Combine(_folder.Root, ".a.md.swp"), "x");
        await Task.Delay(Debounce * 3);
        Assert.Empty(_calls);

        File.WriteAllText(Path.Combine(_folder.Root, ".meta.json"), """{"author": "Ann"}""");
        await WaitUntil(() => !_calls.IsEmpty);
        Assert.Equal(FolderWatchReason.Changes, Assert.Single(_calls).Reason);
    }

    [Fact]
    public async Task SafetyInterval_CallsBackWithoutEvents()
    {
        await using var watcher = Watch(options: new FolderWatcherOptions { Debounce = Debounce, Interval = TimeSpan.FromMilliseconds(100) });

        await WaitUntil(() => _calls.Count >= 2);

        Assert.All(_calls, c => Assert.Equal(new FolderWatchTrigger(FolderWatchReason.Interval, 0), c));
    }

    [Fact]
    public void Constructor_MissingFolder_Throws()
    {
        Assert.Throws<InvalidRequestException>(() => new FolderWatcher(Path.Combine(_folder.Root, "gone"), (_, _) => Task.CompletedTask));
    }

    private FolderWatcher Watch(Func<FolderWatchTrigger, Task>? onChange = null, FolderWatcherOptions? options = null) =>
        new(_folder.Root, async (trigger, _) =>
        {
            _calls.Enqueue(trigger);
            if (onChange is not null)
            {
                await onChange(trigger);
            }
        }, options ?? new FolderWatcherOptions { Debounce = Debounce });

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "The condition did not become true within 5 s.");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _folder.Dispose();
}
