using System.Globalization;

namespace Verity.Benchmarks;

/// <summary>The <c>--name value</c> pairs every benchmark mode takes, and the checks their numbers share.</summary>
internal static class OptionValues
{
    public static IEnumerable<(string Name, string Value)> Pairs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            yield return (args[i], args[i + 1]);
        }
    }

    public static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name}: '{value}' is not a positive number.");

    public static int NotNegative(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new ArgumentException($"{name}: '{value}' must be 0 or more.");
}
