namespace Verity.Core.Text;

/// <summary>Counts tokens the way the models that read the chunks do, so that chunk sizes and context budgets
/// are measured in the unit that matters.</summary>
public interface ITokenCounter
{
    string Name { get; }

    int CountTokens(string text);

    /// <summary>The token count of <paramref name="text"/> when it is at most <paramref name="limit"/>, else null.
    /// An implementation may stop reading once the limit is passed, so asking whether a long text fits costs about
    /// <paramref name="limit"/> tokens of work instead of the whole text; the answer is the same as comparing
    /// <see cref="CountTokens"/> with the limit.</summary>
    int? CountTokensWithin(string text, int limit)
    {
        var count = CountTokens(text);
        return count <= limit ? count : null;
    }
}
