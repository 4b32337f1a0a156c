namespace Verity.Server.Endpoints;

/// <summary>Versions for API writes that do not bring their own: the time the server accepted the write, in ticks,
/// strictly increasing within the process. A queued upload and a direct write of the same document then apply in
/// the order the server accepted them, whatever order the worker runs them in.</summary>
internal static class SourceVersions
{
    private static long _last;

    public static long Next()
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}
