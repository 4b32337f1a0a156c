using System.Text;
using Verity.Core.Text;

namespace Verity.Postgres;

internal static class PgTextQuery
{
    private const int MaxTerms = 64;

    // PostgreSQL ignores words of 2048 bytes or more when it builds a tsvector, so such a word can never match.
    private const int MaxLexemeBytes = 2047;

    /// <summary>
    /// Turns free text into the argument of <c>to_tsquery('english', …)</c>: every distinct word quoted as a
    /// tsquery operand (so nothing the user typed is read as tsquery syntax) and joined with <c>|</c>, so a chunk
    /// matches on any term and ranks by how many it has, like the SQLite store's FTS5 OR query. Stop words are
    /// dropped unless nothing else is left. Returns null when there is no word to search for. The string is bound
    /// as a parameter, never spliced into SQL.
    /// </summary>
    public static string? Build(string query)
    {
        var words = Terms.Words(query)
            .Where(w => Encoding.UTF8.GetByteCount(w) <= MaxLexemeBytes)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var content = words.Where(w => !Terms.IsStopWord(w)).ToList();
        var chosen = content.Count > 0 ? content : words;
        if (chosen.Count == 0)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var word in chosen.Take(MaxTerms))
        {
            if (builder.Length > 0)
            {
                builder.Append(" | ");
            }

            // Words are letter and digit runs; quotes and backslashes are escaped anyway, as tsquery reads them.
            builder.Append('\'')
                .Append(word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal))
                .Append('\'');
        }

        return builder.ToString();
    }
}
