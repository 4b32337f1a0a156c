using System.Diagnostics;
using Verity.Core.Generation;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Evaluation.Beir;
using Verity.Evaluation.Metrics;

namespace Verity.Evaluation.Answers;

/// <summary>Answer-level quality: does the generator answer, do its citations point at relevant documents, do the
/// cited chunks support its sentences, and does it decline questions the corpus cannot answer.</summary>
public sealed class AnswerEvaluator(Retriever retriever, IAnswerGenerator generator, string tenantId)
{
    public const int SourcesPerAnswer = 5;

    public async Task<AnswerResult> EvaluateAsync(
        BeirDataset dataset, IReadOnlyList<BeirQuery> queries, int offTopicCount, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        int answered = 0, citations = 0, relevantCitations = 0, sentences = 0, supported = 0, invalid = 0;
        var latencies = new List<double>();
        foreach (var query in queries)
        {
            var (answer, sources, elapsed) = await AskAsync(query.Text, cancellationToken).ConfigureAwait(false);
            latencies.Add(elapsed);
            var check = CitationChecker.Check(answer.Text, sources);
            invalid += check.InvalidCitations;
            if (!answer.Grounded)
            {
                continue;
            }

            answered++;
            sentences += check.Sentences;
            supported += check.SupportedSentences;
            var judged = dataset.Qrels[query.Id];
            foreach (var n in check.Cited)
            {
                citations++;
                relevantCitations += judged.TryGetValue(sources[n - 1].Chunk.DocumentId, out var grade) && grade > 0 ? 1 : 0;
            }
        }

        progress?.Report($"answers: {queries.Count} in-domain questions done");
        var offTopic = OffTopicQuestions.Generate(offTopicCount);
        var declined = 0;
        foreach (var question in offTopic)
        {
            var (answer, _, elapsed) = await AskAsync(question, cancellationToken).ConfigureAwait(false);
            latencies.Add(elapsed);
            declined += answer.Grounded ? 0 : 1;
        }

        return new AnswerResult(
            queries.Count,
            Ratio(answered, queries.Count),
            Ratio(relevantCitations, citations),
            Ratio(supported, sentences),
            invalid,
            offTopic.Count,
            Ratio(declined, offTopic.Count),
            Percentiles.Summarize(latencies));
    }

    private async Task<(GeneratedAnswer Answer, IReadOnlyList<SearchResult> Sources, double ElapsedMs)> AskAsync(
        string question, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var search = await retriever.SearchAsync(
            new SearchRequest { Query = question, TenantId = tenantId, Mode = SearchMode.Hybrid, TopK = SourcesPerAnswer },
            cancellationToken).ConfigureAwait(false);
        var answer = await generator.GenerateAsync(search.Query, search.Results, cancellationToken).ConfigureAwait(false);
        return (answer, search.Results, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
