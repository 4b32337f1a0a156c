using System.Runtime.CompilerServices;
using Verity.Core.Retrieval;

namespace Verity.Core.Generation;

/// <summary>Writes an answer to a question from numbered sources (source n is <c>sources[n - 1]</c>); every claim
/// cites its source as <c>[n]</c>. A generator backed by a remote model throws <see cref="ModelUnavailableException"/>
/// when the model cannot answer, so the caller can fall back.</summary>
public interface IAnswerGenerator
{
    string Name { get; }

    Task<GeneratedAnswer> GenerateAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken);

    /// <summary>The answer as it is written: text deltas in order, concatenating to the whole answer, and at most
    /// one update carrying <see cref="AnswerUpdate.Usage"/>. A generator without a streaming model yields its whole
    /// answer as one update.</summary>
    IAsyncEnumerable<AnswerUpdate> StreamAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken) =>
        StreamWholeAsync(this, question, sources, cancellationToken);

    private static async IAsyncEnumerable<AnswerUpdate> StreamWholeAsync(
        IAnswerGenerator generator, string question, IReadOnlyList<SearchResult> sources,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var answer = await generator.GenerateAsync(question, sources, cancellationToken).ConfigureAwait(false);
        yield return new AnswerUpdate(answer.Text) { Usage = answer.Usage };
    }
}

/// <param name="Text">The answer, with citation markers.</param>
/// <param name="Grounded">True when the answer rests on the sources; false for "I don't know".</param>
/// <param name="Citations">The 1-based source numbers the answer cites, in first-use order.</param>
/// <param name="Generator">Which generator wrote it.</param>
public sealed record GeneratedAnswer(string Text, bool Grounded, IReadOnlyList<int> Citations, string Generator)
{
    /// <summary>Tokens the model read and wrote, when a model wrote the answer and reported them.</summary>
    public AnswerUsage? Usage { get; init; }
}

/// <summary>A piece of an answer being streamed.</summary>
/// <param name="Text">The next characters of the answer (may be empty on the update that only carries usage).</param>
public sealed record AnswerUpdate(string Text)
{
    public AnswerUsage? Usage { get; init; }
}

/// <summary>Token counts as the model reported them.</summary>
public sealed record AnswerUsage(long PromptTokens, long CompletionTokens)
{
    public long TotalTokens => PromptTokens + CompletionTokens;
}
