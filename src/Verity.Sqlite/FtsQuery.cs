using System.Text;
using Verity.Core.Text;

namespace Verity.Sqlite;

internal static class FtsQuery
{
    /// <summary>Turns free text into an FTS5 expression: every distinct word quoted (so no user input is ever read
    /// as FTS syntax) and joined with OR, so BM25 ranks by how many and how rare the matching terms are. Stop
    /// words are dropped unless nothing else is left.</summary>
    public static string? Build(string query)
    {
        var words = Terms.Words(query).Distinct(StringComparer.Ordinal).ToList();
        var content = words.Where(w => !Terms.IsStopWord(w)).ToList();
        var chosen = content.Count > 0 ? content : words;
        if (chosen.Count == 0)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var word in chosen.Take(64))
        {
            if (builder.Length > 0)
            {
                builder.Append(" OR ");
            }

            builder.Append('"').Append(word.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        return builder.ToString();
    }
}
