using System.Text.RegularExpressions;

namespace Verity.Core.Text;

public static partial class Sentences
{
    /// <summary>Sentences and list items of a text, in order, trimmed, without list markers.</summary>
    public static IEnumerable<string> Split(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var content = ListMarker().Replace(line, "");
            foreach (var sentence in Boundary().Split(content))
            {
                var trimmed = sentence.Trim();
                if (trimmed.Length > 0)
                {
                    yield return trimmed;
                }
            }
        }
    }

    [GeneratedRegex(@"(?<=[.!?…])\s+(?=[\p{Lu}\p{N}""'(\[])")]
    internal static partial Regex Boundary();

    [GeneratedRegex(@"^(?:[-*+•]|\d{1,3}[.)])\s+")]
    private static partial Regex ListMarker();
}
