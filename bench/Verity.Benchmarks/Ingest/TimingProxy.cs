using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Verity.Core;
using Verity.Core.Jobs;

namespace Verity.Benchmarks.Ingest;

/// <summary>
/// Times every call of the index store or the job store, whatever the method, without a hand-written decorator per
/// method. For the job store it also marks when each item is leased and when it ends (completed, quarantined or
/// retried), which gives the time the worker spent on that item. The Microsoft.Data.Sqlite calls complete
/// synchronously, so most tasks are done when they return; the others are timed when they complete.
/// </summary>
// DispatchProxy generates a subclass at run time, so this class cannot be sealed.
#pragma warning disable CA1852
internal class TimingProxy : DispatchProxy
#pragma warning restore CA1852
{
    private object _target = null!;
    private StageTimings _timings = null!;

    public static IIndexStore For(IIndexStore store, StageTimings timings) => Create<IIndexStore>(store, timings);

    public static IIngestJobStore For(IIngestJobStore jobs, StageTimings timings) => Create<IIngestJobStore>(jobs, timings);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var stage = StageOf(targetMethod);
        var started = Stopwatch.GetTimestamp();
        if (targetMethod.Name is nameof(IIngestJobStore.CompleteItemAsync) or nameof(IIngestJobStore.QuarantineItemAsync)
            or nameof(IIngestJobStore.RetryItemAsync))
        {
            _timings.ItemEnded((long)args![0]!);
        }

        object? result;
        try
        {
            result = targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (result is not Task task)
        {
            _timings.Add(stage, started);
            return result;
        }

        if (task.IsCompleted)
        {
            Completed(task, targetMethod, stage, started);
        }
        else
        {
            task.ContinueWith(t => Completed(t, targetMethod, stage, started), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return result;
    }

    private void Completed(Task task, MethodInfo method, Stage stage, long started)
    {
        _timings.Add(stage, started);
        if (method.Name == nameof(IIngestJobStore.LeaseNextAsync) && task is Task<LeasedItem?> { IsCompletedSuccessfully: true, Result: { } leased })
        {
            _timings.ItemLeased(leased.Item.Id);
        }
    }

    private static Stage StageOf(MethodInfo method) => method.DeclaringType == typeof(IIngestJobStore)
        ? Stage.Queue
        : method.Name switch
        {
            nameof(IIndexStore.UpsertDocumentAsync) => Stage.StoreWrite,
            // The fingerprints are read once per sync, to decide what changed: part of the scan.
            nameof(IIndexStore.GetFingerprintsAsync) => Stage.Scan,
            _ => Stage.StoreRead,
        };

    private static T Create<T>(T target, StageTimings timings)
        where T : class
    {
        var proxy = Create<T, TimingProxy>();
        var timing = (TimingProxy)(object)proxy;
        timing._target = target;
        timing._timings = timings;
        return proxy;
    }
}
