using System.Diagnostics;
using Verity.Core;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Evaluation.Answers;
using Verity.Evaluation.Beir;
using Verity.Evaluation.Metrics;
using Verity.Evaluation.Systems;

namespace Verity.Evaluation;

public sealed record EvaluationOptions
{
    public IReadOnlyList<SearchMode> Modes { get; init; } = [SearchMode.Lexical, SearchMode.Dense, SearchMode.Hybrid];

    /// <summary>Also run Lucene.NET BM25 and raw SQLite FTS5 on the same queries.</summary>
    public bool Peers { get; init; } = true;

    /// <summary>Also evaluate generated answers (citations, support, off-topic refusals).</summary>
    public bool Answers { get; init; } = true;

    public int OffTopicQuestions { get; init; } = 30;

    /// <summary>Evaluate only the first N test queries (for quick runs); null for all.</summary>
    public int? MaxQueries { get; init; }

    /// <summary>Untimed queries sent to each system before timing starts.</summary>
    public int WarmupQueries { get; init; } = 10;
}

/// <summary>
/// Runs a BEIR dataset through Verity's retrieval modes (and the peers) on one machine in one process, and
/// measures quality with trec_eval's definitions and latency per query.
/// </summary>
public sealed class EvaluationRunner(
    IIndexStore store, IngestionService ingestion, Retriever retriever, IAnswerGenerator generator)
{
    public const string Tenant = Tenants.Default;
    private const int Depth = 100;

    public async Task<EvaluationReport> RunAsync(
        BeirDataset dataset, EvaluationOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var index = await IndexAsync(dataset, progress, cancellationToken).ConfigureAwait(false);
        var queries = options.MaxQueries is { } max ? dataset.TestQueries.Take(max).ToList() : dataset.TestQueries;
        var builds = new Dictionary<string, double> { ["verity"] = index.IngestSeconds };

        var systems = new List<IDocumentRanker>();
        systems.AddRange(options.Modes.Select(mode => new VerityRanker(retriever, mode, Tenant)));
        var disposables = new List<IDisposable>();
        try
        {
            if (options.Peers)
            {
                var lucene = new LuceneBm25Ranker();
                var fts5 = new SqliteFts5Ranker();
                disposables.Add(lucene);
                disposables.Add(fts5);
                builds[lucene.Name] = Time(() => lucene.Build(dataset.ReadCorpus()));
                progress?.Report($"peer {lucene.Name}: index built in {builds[lucene.Name]:0.0} s");
                builds[fts5.Name] = Time(() => fts5.Build(dataset.ReadCorpus()));
                progress?.Report($"peer {fts5.Name}: index built in {builds[fts5.Name]:0.0} s");
                systems.Add(lucene);
                systems.Add(fts5);
            }

            var runs = new List<RunResult>();
            foreach (var system in systems)
            {
                runs.Add(await RunSystemAsync(system, dataset, queries, options.WarmupQueries, cancellationToken).ConfigureAwait(false));
                var r = runs[^1];
                progress?.Report($"{r.Name}: nDCG@10 {r.NdcgAt10:0.000}, p50 {r.LatencyMs.P50:0.00} ms");
            }

            AnswerResult? answers = null;
            if (options.Answers)
            {
                answers = await new AnswerEvaluator(retriever, generator, Tenant)
                    .EvaluateAsync(dataset, queries, options.OffTopicQuestions, progress, cancellationToken).ConfigureAwait(false);
            }

            return new EvaluationReport
            {
                Dataset = dataset.Name,
                Queries = queries.Count,
                Index = index,
                Runs = runs,
                BuildSeconds = builds,
                Answers = answers,
                Machine = MachineInfo.Current(),
                MeasuredAt = DateTimeOffset.UtcNow,
            };
        }
        finally
        {
            foreach (var disposable in disposables)
            {
                disposable.Dispose();
            }
        }
    }

    /// <summary>Ingests the corpus (documents whose content and configuration are already indexed are skipped, so
    /// a matching index is reused at the cost of hashing it).</summary>
    public async Task<IndexSummary> IndexAsync(BeirDataset dataset, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int done = 0, unchanged = 0, failed = 0;
        var source = "beir:" + dataset.Name;
        await Parallel.ForEachAsync(
            dataset.ReadCorpus(),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (document, ct) =>
            {
                try
                {
                    var outcome = await ingestion.IngestAsync(
                        new DocumentInput
                        {
                            TenantId = Tenant,
                            Id = document.Id,
                            Title = document.Title.Length > 0 ? document.Title : null,
                            FallbackTitle = document.Id,
                            Text = document.Text,
                            Source = source,
                            MediaType = Core.Documents.MediaTypes.PlainText,
                        },
                        ct).ConfigureAwait(false);
                    if (outcome.Status == IngestStatus.Unchanged)
                    {
                        Interlocked.Increment(ref unchanged);
                    }
                }
                catch (DocumentRejectedException)
                {
                    Interlocked.Increment(ref failed);
                }

                var count = Interlocked.Increment(ref done);
                if (count % 500 == 0)
                {
                    progress?.Report($"ingest: {count} documents");
                }
            }).ConfigureAwait(false);

        var statistics = await store.GetStatisticsAsync(Tenant, cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var reused = unchanged == done;
        progress?.Report(reused
            ? $"ingest: reused the index ({done} documents unchanged, checked in {seconds:0.0} s)"
            : $"ingest: {done} documents, {statistics.Chunks} chunks in {seconds:0.0} s ({failed} failed)");
        return new IndexSummary(statistics.Documents, statistics.Chunks, statistics.Generation.EmbeddingModel,
            statistics.Generation.ChunkerVersion, reused, reused ? 0 : seconds, failed);
    }

    private static async Task<RunResult> RunSystemAsync(
        IDocumentRanker system, BeirDataset dataset, IReadOnlyList<BeirQuery> queries, int warmup, CancellationToken cancellationToken)
    {
        foreach (var query in queries.Take(warmup))
        {
            await system.RankAsync(query.Text, Depth, cancellationToken).ConfigureAwait(false);
        }

        double ndcg = 0, recall10 = 0, recall100 = 0, mrr = 0;
        var latencies = new List<double>(queries.Count);
        var total = Stopwatch.StartNew();
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var ranking = await system.RankAsync(query.Text, Depth, cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var judged = dataset.Qrels[query.Id];
            ndcg += RankingMetrics.NdcgAt(ranking, judged, 10);
            recall10 += RankingMetrics.RecallAt(ranking, judged, 10);
            recall100 += RankingMetrics.RecallAt(ranking, judged, 100);
            mrr += RankingMetrics.ReciprocalRankAt(ranking, judged, 10);
        }

        total.Stop();
        var n = Math.Max(1, queries.Count);
        return new RunResult(system.Name, system.Kind, ndcg / n, recall10 / n, recall100 / n, mrr / n,
            Percentiles.Summarize(latencies), queries.Count / Math.Max(total.Elapsed.TotalSeconds, 1e-9));
    }

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
