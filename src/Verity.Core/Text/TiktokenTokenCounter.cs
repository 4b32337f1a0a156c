using Microsoft.ML.Tokenizers;

namespace Verity.Core.Text;

/// <summary>Counts tokens with the o200k_base encoding (GPT-4o family), a good stand-in for current models.
/// The vocabulary ships in a NuGet package, so it works offline.</summary>
public sealed class TiktokenTokenCounter : ITokenCounter
{
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public string Name => "o200k_base";

    public int CountTokens(string text) => text.Length == 0 ? 0 : Shared.Value.CountTokens(text);

    // The tokenizer encodes piece by piece and stops at the first piece past the limit: the whole text fits exactly
    // when that point is its end.
    public int? CountTokensWithin(string text, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (text.Length == 0)
        {
            return 0;
        }

        if (limit == 0)
        {
            return null;
        }

        var end = Shared.Value.GetIndexByTokenCount(text, limit, out _, out var count);
        return end >= text.Length ? count : null;
    }
}
