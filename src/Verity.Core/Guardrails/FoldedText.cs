using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Verity.Core.Guardrails;

/// <summary>
/// The text the injection rules read: lower case, compatibility forms folded (fullwidth, mathematical and circled
/// letters become plain ones, as NFKC does), accents and other combining marks dropped, zero-width and other
/// invisible format characters removed, common Cyrillic and Greek lookalikes mapped to the Latin letters they
/// imitate, Unicode tag characters (invisible "ASCII smuggling") read as the ASCII they encode, and Markdown
/// emphasis marks (<c>*</c>, <c>`</c>) removed. Every folded character remembers where it came from, so a match
/// is reported as a span of the original text.
/// </summary>
internal sealed class FoldedText
{
    // Folding is per code point: a whole-string NFKC would lose the mapping back to the original offsets.
    private static readonly FrozenDictionary<int, char> Lookalikes = new Dictionary<int, char>
    {
        // Cyrillic
        [0x0430] = 'a', [0x0435] = 'e', [0x043E] = 'o', [0x0440] = 'p', [0x0441] = 'c', [0x0443] = 'y',
        [0x0445] = 'x', [0x0456] = 'i', [0x0458] = 'j', [0x0455] = 's', [0x0501] = 'd', [0x04CF] = 'l',
        [0x04BB] = 'h', [0x051B] = 'q', [0x051D] = 'w', [0x043A] = 'k', [0x0442] = 't', [0x043C] = 'm',
        [0x043D] = 'h', [0x0432] = 'b', [0x0454] = 'e', [0x0457] = 'i', [0x045E] = 'y',
        [0x0410] = 'a', [0x0412] = 'b', [0x0415] = 'e', [0x041A] = 'k', [0x041C] = 'm', [0x041D] = 'h',
        [0x041E] = 'o', [0x0420] = 'p', [0x0421] = 'c', [0x0422] = 't', [0x0425] = 'x', [0x0423] = 'y',
        [0x0406] = 'i', [0x0408] = 'j', [0x0405] = 's', [0x04C0] = 'i',
        // Greek
        [0x03B1] = 'a', [0x03BF] = 'o', [0x03B9] = 'i', [0x03B5] = 'e', [0x03BD] = 'v', [0x03BA] = 'k',
        [0x03C1] = 'p', [0x03C4] = 't', [0x03C5] = 'u', [0x03C7] = 'x', [0x0391] = 'a', [0x0392] = 'b',
        [0x0395] = 'e', [0x0396] = 'z', [0x0397] = 'h', [0x0399] = 'i', [0x039A] = 'k', [0x039C] = 'm',
        [0x039D] = 'n', [0x039F] = 'o', [0x03A1] = 'p', [0x03A4] = 't', [0x03A5] = 'y', [0x03A7] = 'x',
        // Latin letters that pass for others
        [0x0131] = 'i', [0x0261] = 'g', [0x0251] = 'a', [0x0269] = 'i', [0x029F] = 'l', [0x0280] = 'r',
        [0x1D00] = 'a', [0x0299] = 'b', [0x1D04] = 'c', [0x1D05] = 'd', [0x1D07] = 'e', [0x0262] = 'g',
        [0x029C] = 'h', [0x026A] = 'i', [0x1D0A] = 'j', [0x1D0B] = 'k', [0x1D0D] = 'm', [0x0274] = 'n',
        [0x1D0F] = 'o', [0x1D18] = 'p', [0xA731] = 's', [0x1D1B] = 't', [0x1D1C] = 'u', [0x1D20] = 'v',
        [0x1D21] = 'w', [0x028F] = 'y', [0x1D22] = 'z',
    }.ToFrozenDictionary();

    private readonly int[] _starts;
    private readonly int[] _ends;

    private FoldedText(string text, int[] starts, int[] ends)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    public string Text { get; }

    /// <summary>The span of the original text that folded into <c>[index, index + length)</c>.</summary>
    public (int Index, int Length) ToOriginal(int index, int length)
    {
        var start = _starts[index];
        return (start, _ends[index + length - 1] - start);
    }

    public static FoldedText Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);

        void Emit(char c, int start, int end)
        {
            builder.Append(c);
            starts.Add(start);
            ends.Add(end);
        }

        var i = 0;
        var lastWasTag = false;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width) != System.Buffers.OperationStatus.Done)
            {
                // A lone surrogate hides nothing readable; keep the position so offsets stay right.
                rune = Rune.ReplacementChar;
                width = 1;
            }

            var end = i + width;
            var value = rune.Value;
            var inTagRun = lastWasTag;
            lastWasTag = value is >= 0xE0000 and <= 0xE007F;
            if (value < 0x80)
            {
                var c = (char)value;
                if (c is '*' or '`' || (char.IsControl(c) && c is not ('\n' or '\t' or '\r')))
                {
                    // Emphasis and code marks split words for the eye only; control characters not at all.
                }
                else
                {
                    Emit(c is '\r' ? '\n' : char.ToLowerInvariant(c), i, end);
                }
            }
            else if (value is >= 0xE0020 and <= 0xE007E)
            {
                // Tag characters are invisible but spell ASCII; models have been shown to read them. A hidden run
                // is a message of its own, so it starts a new word.
                if (!inTagRun && builder.Length > 0)
                {
                    Emit(' ', i, end);
                }

                Emit(char.ToLowerInvariant((char)(value - 0xE0000)), i, end);
            }
            else if (IsInvisible(rune))
            {
                // Zero-width spaces, joiners, soft hyphens, bidi controls, variation selectors: they split a
                // word for the matcher without changing what a reader (or a model) sees.
            }
            else if (Rune.IsWhiteSpace(rune))
            {
                Emit(value is 0x2028 or 0x2029 or 0x85 ? '\n' : ' ', i, end);
            }
            else if (Lookalikes.TryGetValue(value, out var latin))
            {
                Emit(latin, i, end);
            }
            else
            {
                foreach (var c in rune.ToString().Normalize(NormalizationForm.FormKD))
                {
                    if (IsMark(c))
                    {
                        continue;
                    }

                    Emit(Lookalikes.TryGetValue(c, out var mapped) ? mapped : char.ToLowerInvariant(c), i, end);
                }
            }

            i = end;
        }

        return new FoldedText(builder.ToString(), [.. starts], [.. ends]);
    }

    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800
        || rune.Value is >= 0xFE00 and <= 0xFE0F;

    private static bool IsMark(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.SpacingCombiningMark;
}
