using System.Globalization;
using System.Text;

namespace Verity.Core.Text;

/// <summary>Puts text from any loader into one canonical form before hashing, chunking and indexing, so that
/// the content hash changes only when the meaning could have.</summary>
public static class TextNormalizer
{
    private const int TabWidth = 4;
    private const int MaxIndent = 64;

    public static string Normalize(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var composed = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(composed.Length);
        var pendingSpaces = 0;
        var newlines = 0;

        for (var i = 0; i < composed.Length; i++)
        {
            var c = composed[i];
            if (c == '\r')
            {
                if (i + 1 < composed.Length && composed[i + 1] == '\n')
                {
                    continue;
                }

                c = '\n';
            }

            if (c is '\n' or '\f' or '\v' or '\u0085' or '\u2028' or '\u2029')
            {
                pendingSpaces = 0;
                newlines++;
                continue;
            }

            if (c == '\t' || c == '\u00A0' || c == '\u202F' || char.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator)
            {
                pendingSpaces += c == '\t' ? TabWidth : 1;
                continue;
            }

            if (IsInvisible(c))
            {
                continue;
            }

            if (newlines > 0)
            {
                if (builder.Length > 0)
                {
                    // Indentation carries meaning (code, nested lists, Markdown code blocks): keep it.
                    builder.Append('\n', Math.Min(newlines, 2));
                    builder.Append(' ', Math.Min(pendingSpaces, MaxIndent));
                }

                newlines = 0;
                pendingSpaces = 0;
            }
            else if (pendingSpaces > 0)
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpaces = 0;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool IsInvisible(char c) =>
        c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD'
        || (char.IsControl(c) && c != '\n');
}
