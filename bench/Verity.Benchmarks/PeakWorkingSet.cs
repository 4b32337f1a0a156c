namespace Verity.Benchmarks;

/// <summary>Samples this process's working set every 20 ms while it lives: the OS keeps only a process-lifetime
/// peak, and each run's own peak is what is wanted.</summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _peak = Environment.WorkingSet;

    public PeakWorkingSet()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(20))
            {
                Sample();
            }
        })
        { IsBackground = true, Name = "peak working set" };
        _thread.Start();
    }

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Sample()
    {
        var current = Environment.WorkingSet;
        long seen;
        while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
        {
        }
    }
}
