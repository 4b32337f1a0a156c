using Microsoft.ML.Tokenizers;

namespace Verity.Core.Text;

/// <summary>Counts tokens with the o200k_base encoding (GPT-4o family), a good stand-in for current models.
/// The vocabulary ships in a NuGet package, so it works offline.</summary>
public sealed class TiktokenTokenCounter : ITokenCounter
{
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public string Name => "o200k_base";

    public int CountTokens(string text) => text.Length == 0 ? 0 : Shared.Value.CountTokens(text);
}
