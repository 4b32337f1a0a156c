namespace Verity.Core.Telemetry;

/// <summary>The last <c>capacity</c> grounded/ungrounded verdicts in a ring, with a running count of the grounded
/// ones, so the ratio costs nothing to read. Thread-safe; a lock is cheaper here than the contention it guards
/// (one short write per answer).</summary>
internal sealed class GroundedWindow(int capacity)
{
    private readonly bool[] _ring = new bool[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;
    private int _grounded;

    public void Add(bool grounded)
    {
        lock (_lock)
        {
            if (_count == _ring.Length)
            {
                // Full: the oldest verdict leaves as the new one takes its place.
                if (_ring[_next])
                {
                    _grounded--;
                }
            }
            else
            {
                _count++;
            }

            _ring[_next] = grounded;
            if (grounded)
            {
                _grounded++;
            }

            _next = (_next + 1) % _ring.Length;
        }
    }

    /// <summary>Grounded share of the verdicts in the window; null before the first one.</summary>
    public double? Ratio()
    {
        lock (_lock)
        {
            return _count == 0 ? null : (double)_grounded / _count;
        }
    }
}
