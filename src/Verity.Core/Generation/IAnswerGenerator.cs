using Verity.Core.Retrieval;

namespace Verity.Core.Generation;

/// <summary>Writes an answer to a question from numbered sources (source n is <c>sources[n - 1]</c>); every claim
/// cites its source as <c>[n]</c>.</summary>
public interface IAnswerGenerator
{
    string Name { get; }

    Task<GeneratedAnswer> GenerateAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken);
}

/// <param name="Text">The answer, with citation markers.</param>
/// <param name="Grounded">True when the answer rests on the sources; false for "I don't know".</param>
/// <param name="Citations">The 1-based source numbers the answer cites, in first-use order.</param>
/// <param name="Generator">Which generator wrote it.</param>
public sealed record GeneratedAnswer(string Text, bool Grounded, IReadOnlyList<int> Citations, string Generator);
