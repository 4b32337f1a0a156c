using System.Diagnostics;
using System.Runtime;
using Verity.Benchmarks.Synthetic;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Security;

namespace Verity.Benchmarks.Scale;

/// <summary>
/// Builds synthetic SQLite indexes of growing size and measures what an operator sizing a deployment needs:
/// ingestion throughput, file size, memory once the vector segment is resident, and single-threaded search
/// latency per mode. Not BenchmarkDotNet: one index of a million chunks takes minutes to build, and the figures
/// wanted are percentiles over many distinct queries rather than a mean of one repeated operation.
/// </summary>
internal static class ScaleBenchmark
{
    // "system" probes search with no ACL filter (what ingestion and evaluation do); the last probe searches as the
    // HTTP API does for an anonymous caller, whose principals every request carries: the store then restricts dense
    // search to the chunks the caller may read, which costs a pass over the tenant's chunks per query. It is slow
    // enough at 1M chunks to get a quarter of the queries, so the whole run stays within ~15 minutes.
    private static readonly Probe[] Probes =
    [
        new("dense", SearchMode.Dense, null, 1),
        new("lexical", SearchMode.Lexical, null, 1),
        new("hybrid", SearchMode.Hybrid, null, 1),
        new("hybrid, anonymous caller", SearchMode.Hybrid, CallerIdentity.Anonymous.Principals, 4),
    ];
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(3);

    public static int Run(string[] args) => BenchmarkCommand.Run(() => ScaleOptions.Parse(args), ScaleOptions.Usage, RunAsync);

    private static async Task RunAsync(ScaleOptions options, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var started = Stopwatch.GetTimestamp();
        var loadAtStart = Format.LoadAverage();
        Console.WriteLine($"Verity scale benchmark — {machine.Describe()}; load average {loadAtStart}");
        Console.WriteLine(
            $"sizes {string.Join(", ", options.Sizes.Select(s => s.ToString("N0")))} chunks; {options.Queries} timed queries per mode " +
            $"(after at least {options.Warmup} warm-up queries and 3 s); hashing embedder {options.Dimensions} dimensions" +
            (options.Dimensions != 512 ? " (NOT the product default of 512)" : "") +
            $"; vocabulary {Defaults.VocabularySize:N0} words, {Defaults.ChunksPerDocument} chunks per document");

        var results = new List<SizeResult>();
        foreach (var size in options.Sizes)
        {
            results.Add(await RunSizeAsync(size, options, cancellationToken).ConfigureAwait(false));
        }

        var report = new ScaleReport(
            DateTimeOffset.UtcNow,
            ("dotnet run -c Release --project bench/Verity.Benchmarks -- scale " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2))).TrimEnd(),
            machine,
            new ScaleSettings(options.Queries, options.Warmup, options.Dimensions, Defaults.VocabularySize, Defaults.ChunksPerDocument,
                SyntheticCorpus.MinWords, SyntheticCorpus.MaxWords, new RetrievalOptions().DefaultTopK, new RetrievalOptions().CandidatesPerRetriever),
            results,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            loadAtStart,
            Format.LoadAverage());

        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Directory.CreateDirectory(options.OutputDirectory);
        var json = Path.Combine(options.OutputDirectory, "scale.json");
        var markdown = Path.Combine(options.OutputDirectory, "scale.md");
        await File.WriteAllTextAsync(json, report.ToJson(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, report.ToMarkdown(), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"wrote {json} and {markdown} (total {report.TotalSeconds:0} s)");
    }

    private static async Task<SizeResult> RunSizeAsync(int size, ScaleOptions options, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"verity-scale-{size}-{Guid.NewGuid():N}");
        var database = Path.Combine(directory, "verity.db");
        var corpus = Defaults.Corpus();
        var embedder = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = options.Dimensions });
        Console.WriteLine();
        Console.WriteLine($"== {size:N0} chunks in {directory}");
        try
        {
            // Build with one store, then reopen with another: search-time memory is then what a freshly started
            // server holds, not what the build left behind.
            BuildResult build;
            long buildPeak;
            using (var sampler = new PeakWorkingSet())
            {
                using var store = SyntheticIndex.Open(database);
                await SyntheticIndex.InitializeAsync(store, embedder, cancellationToken).ConfigureAwait(false);
                var progress = new BuildProgress(size);
                build = await SyntheticIndex.BuildAsync(store, corpus, embedder, size, progress.Report, cancellationToken).ConfigureAwait(false);
                buildPeak = sampler.Peak;
            }

            // Closing the last connection checkpoints the WAL into the database file.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var databaseBytes = SyntheticIndex.DatabaseBytes(database);
            Console.WriteLine(
                $"   built {build.Chunks:N0} chunks / {build.Documents:N0} documents in {build.Elapsed.TotalSeconds:0.0} s " +
                $"({build.ChunksPerSecond:N0} chunks/s, {build.TokensPerChunk:0} tokens/chunk); database {Format.Bytes(databaseBytes)}");

            var baseline = MemorySnapshot.AfterFullCollection();
            using var reader = SyntheticIndex.Open(database);
            await SyntheticIndex.InitializeAsync(reader, embedder, cancellationToken).ConfigureAwait(false);
            var retriever = new Retriever(reader, embedder, new RetrievalOptions());
            var random = corpus.QueryRandom();
            var warmups = Enumerable.Range(0, options.Warmup).Select(_ => corpus.Generator.Query(random)).ToList();
            var queries = Enumerable.Range(0, options.Queries).Select(_ => corpus.Generator.Query(random)).ToList();

            // The first dense search reads every vector out of SQLite into one contiguous matrix.
            TimeSpan load;
            long loadPeak;
            using (var sampler = new PeakWorkingSet())
            {
                var loadStarted = Stopwatch.GetTimestamp();
                await reader.SearchDenseAsync(embedder.Embed("segment load"), SearchFilter.ForTenant(Tenants.Default), 1, cancellationToken).ConfigureAwait(false);
                load = Stopwatch.GetElapsedTime(loadStarted);
                loadPeak = sampler.Peak;
            }

            var loaded = MemorySnapshot.AfterFullCollection();
            var segmentBytes = ((long)size * options.Dimensions * sizeof(float)) + ((long)size * sizeof(long));
            Console.WriteLine(
                $"   vector segment loaded in {load.TotalSeconds:0.00} s ({Format.Bytes(segmentBytes)} of vectors and ids); " +
                $"GC heap {Format.Bytes(loaded.GcHeapBytes)} (+{Format.Bytes(loaded.GcHeapBytes - baseline.GcHeapBytes)}), " +
                $"working set {Format.Bytes(loaded.WorkingSetBytes)}, peak during load {Format.Bytes(loadPeak)}");

            var latencies = new List<Latency>();
            foreach (var probe in Probes)
            {
                // At least the warm-up queries and at least WarmupTime: tiered JIT promotes the scan loops only
                // after enough calls, and at 10k chunks 20 queries pass before it has.
                var warmupStarted = Stopwatch.GetTimestamp();
                var warmupCount = warmups.Count / probe.QueryDivisor;
                for (var i = 0; i < warmupCount || (warmups.Count > 0 && Stopwatch.GetElapsedTime(warmupStarted) < WarmupTime); i++)
                {
                    await SearchAsync(retriever, warmups[i % warmups.Count], probe, cancellationToken).ConfigureAwait(false);
                }

                var timings = new double[Math.Max(1, queries.Count / probe.QueryDivisor)];
                var modeStarted = Stopwatch.GetTimestamp();
                var lastReport = modeStarted;
                for (var i = 0; i < timings.Length; i++)
                {
                    timings[i] = await SearchAsync(retriever, queries[i], probe, cancellationToken).ConfigureAwait(false);
                    if (Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 10)
                    {
                        lastReport = Stopwatch.GetTimestamp();
                        Console.WriteLine($"   {probe.Label}: {i + 1}/{timings.Length} queries");
                    }
                }

                latencies.Add(Latency.Of(timings));
                Console.WriteLine($"   {probe.Label,-8} {latencies[^1]} over {timings.Length} queries ({Stopwatch.GetElapsedTime(modeStarted).TotalSeconds:0.0} s)");
            }

            return new SizeResult(
                size,
                build.Documents,
                build.TokensPerChunk,
                build.Elapsed.TotalSeconds,
                build.ChunksPerSecond,
                databaseBytes,
                buildPeak,
                load.TotalMilliseconds,
                segmentBytes,
                loaded.GcHeapBytes,
                loaded.WorkingSetBytes,
                loadPeak,
                latencies[0],
                latencies[1],
                latencies[2],
                latencies[3]);
        }
        finally
        {
            SyntheticIndex.Delete(directory);
        }
    }

    private static async Task<double> SearchAsync(Retriever retriever, string query, Probe probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await retriever.SearchAsync(
            new SearchRequest { Query = query, TenantId = Tenants.Default, Mode = probe.Mode, Principals = probe.Principals },
            cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // A mode that silently returns nothing would make its latency meaningless.
        if (response.Results.Count == 0)
        {
            throw new InvalidOperationException($"{probe.Label} search for '{query}' returned nothing.");
        }

        return elapsed;
    }

    private sealed record Probe(string Label, SearchMode Mode, IReadOnlyCollection<string>? Principals, int QueryDivisor);

    /// <summary>Prints a line at every 5% of the build.</summary>
    private sealed class BuildProgress(long total)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private int _lastStep;

        public void Report(long written)
        {
            var step = (int)(written * 20 / total);
            if (step <= _lastStep)
            {
                return;
            }

            _lastStep = step;
            var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            var rate = written / elapsed;
            var left = (total - written) / rate;
            Console.WriteLine($"   {step * 5,3}%  {written,12:N0} chunks  {rate,8:N0} chunks/s  {elapsed,6:0} s elapsed  ~{left:0} s left");
        }
    }

    private readonly record struct MemorySnapshot(long GcHeapBytes, long WorkingSetBytes)
    {
        public static MemorySnapshot AfterFullCollection()
        {
            // Compact the large-object heap too: the matrix and the build's garbage live there.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return new MemorySnapshot(GC.GetTotalMemory(forceFullCollection: false), Environment.WorkingSet);
        }
    }
}
