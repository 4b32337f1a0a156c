namespace Verity.Testing.OpenAi;

/// <summary>Stand-ins for a tokenizer: usage counts words, streaming cuts text into pieces.</summary>
internal static class FakeTokens
{
    public static int Count(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Chat overhead of a few tokens per message, as real tokenizers count it.</summary>
    public static int Count(IReadOnlyList<FakeMessage> messages) => messages.Sum(m => 4 + Count(m.Content));

    /// <summary>Cuts <paramref name="text"/> into at most <paramref name="count"/> pieces of similar length whose
    /// concatenation is the text; surrogate pairs stay whole.</summary>
    public static List<string> Split(string text, int count)
    {
        count = Math.Clamp(count, 1, Math.Max(1, text.Length));
        var pieces = new List<string>(count);
        var start = 0;
        for (var i = 1; i <= count; i++)
        {
            var end = i == count ? text.Length : (int)((long)text.Length * i / count);
            if (end > start && end < text.Length && char.IsLowSurrogate(text[end]))
            {
                end++;
            }

            if (end > start || (text.Length == 0 && pieces.Count == 0))
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        return pieces;
    }
}
