using System.Globalization;

namespace Verity.Benchmarks.ScaleOut;

/// <summary>Machine-wide CPU time from <c>/proc/stat</c>: the share of all cores that was busy over a run, which
/// tells a run that waited on the machine (workers, PostgreSQL and everything else together at ~100%) from one that
/// waited on something else.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal …: idle and iowait are the idle time.
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return new MachineCpu(total - idle, total);
        }
        catch (IOException)
        {
            return default;
        }
    }

    public static double BusyShareSince(MachineCpu start)
    {
        var now = Read();
        var total = now.Total - start.Total;
        return total <= 0 ? 0 : (double)(now.Busy - start.Busy) / total;
    }
}
