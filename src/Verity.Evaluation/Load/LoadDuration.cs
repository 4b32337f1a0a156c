using System.Globalization;

namespace Verity.Evaluation.Load;

/// <summary>Durations as people type them on a command line: <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>,
/// <c>1h</c>, a bare number of seconds (<c>10</c>, <c>2.5</c>) or a TimeSpan (<c>00:00:30</c>).</summary>
public static class LoadDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text?.Trim().ToLowerInvariant() ?? "";
        if (s.Length == 0)
        {
            return false;
        }

        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return Valid(TimeSpan.FromSeconds(bare), out duration);
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && Valid(span, out duration);
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            TimeSpan? part = s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" or "sec" => TimeSpan.FromSeconds(value),
                "m" or "min" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                _ => null,
            };
            if (part is null)
            {
                return false;
            }

            total += part.Value;
        }

        return Valid(total, out duration);
    }

    /// <summary>Like "1m30s", "20s" or "1.5s": how the CLI prints a duration back.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 60 && duration.Seconds == 0 && duration.Milliseconds == 0 ? $"{(int)duration.TotalMinutes}m"
        : duration.TotalSeconds >= 60 ? $"{(int)duration.TotalMinutes}m{duration.TotalSeconds % 60:0.###}s"
        : $"{duration.TotalSeconds:0.###}s";

    private static bool Valid(TimeSpan span, out TimeSpan duration)
    {
        duration = span;
        return span >= TimeSpan.Zero;
    }
}
