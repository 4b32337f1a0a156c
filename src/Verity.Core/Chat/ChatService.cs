using System.Diagnostics;
using Verity.Core.Generation;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Chat;

public sealed record ChatRequest
{
    public required string Question { get; init; }
    public required string TenantId { get; init; }
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int? TopK { get; init; }
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>The caller's principals (see <see cref="SearchRequest.Principals"/>).</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }
}

/// <param name="Sources">The retrieved chunks, numbered from 1 in this order; citations <c>[n]</c> point here.</param>
public sealed record ChatResult(
    string Answer,
    IReadOnlyList<SearchResult> Sources,
    bool Grounded,
    IReadOnlyList<int> Citations,
    string Generator,
    double RetrievalMs,
    double LatencyMs);

/// <summary>Question → retrieval → answer generation, with the sources the answer cites.</summary>
public sealed class ChatService(Retriever retriever, IAnswerGenerator generator)
{
    /// <summary>Sources handed to the generator (and returned) when the caller does not say.</summary>
    public const int DefaultSources = 5;

    public async Task<ChatResult> AskAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var search = await retriever.SearchAsync(
            new SearchRequest
            {
                Query = request.Question,
                TenantId = request.TenantId,
                Mode = request.Mode,
                TopK = request.TopK ?? DefaultSources,
                Filters = request.Filters,
                Principals = request.Principals,
            },
            cancellationToken).ConfigureAwait(false);

        var answer = await generator.GenerateAsync(search.Query, search.Results, cancellationToken).ConfigureAwait(false);
        return new ChatResult(
            answer.Text,
            search.Results,
            answer.Grounded,
            answer.Citations,
            answer.Generator,
            search.ElapsedMs,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
