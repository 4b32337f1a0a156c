using System.Globalization;

namespace Verity.Evaluation.Load;

/// <summary>Plain-text pieces of a load report, for terminals and logs.</summary>
public static class LoadReportText
{
    /// <summary>One line per bin: its range in ms, a bar scaled to the fullest bin, the count and its share.</summary>
    public static IReadOnlyList<string> Histogram(IReadOnlyList<HistogramBin> bins, int barWidth = 40, char bar = '#')
    {
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentOutOfRangeException.ThrowIfLessThan(barWidth, 1);
        if (bins.Count == 0)
        {
            return [];
        }

        var total = bins.Sum(b => b.Count);
        var fullest = Math.Max(1, bins.Max(b => b.Count));
        var from = bins.Select(b => Ms(b.FromMs)).ToList();
        var to = bins.Select(b => Ms(b.ToMs)).ToList();
        var fromWidth = from.Max(s => s.Length);
        var toWidth = to.Max(s => s.Length);
        var countWidth = bins.Max(b => b.Count.ToString(CultureInfo.InvariantCulture).Length);
        return bins.Select((b, i) =>
        {
            // Any non-empty bin gets at least one mark, so that rare outliers stay visible.
            var length = b.Count == 0 ? 0 : Math.Max(1, (int)Math.Round((double)b.Count * barWidth / fullest));
            var share = total == 0 ? 0 : 100.0 * b.Count / total;
            return string.Create(CultureInfo.InvariantCulture,
                $"{from[i].PadLeft(fromWidth)} - {to[i].PadLeft(toWidth)} ms |{new string(bar, length).PadRight(barWidth)}| {b.Count.ToString(CultureInfo.InvariantCulture).PadLeft(countWidth)} {share,5:0.0}%");
        }).ToList();
    }

    private static string Ms(double ms) => ms switch
    {
        < 10 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => ms.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ms.ToString("0", CultureInfo.InvariantCulture),
    };
}
