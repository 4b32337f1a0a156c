using Verity.Benchmarks.Synthetic;
using Verity.Core.Embeddings;
using Verity.Sqlite;

namespace Verity.Benchmarks.Micro;

/// <summary>A synthetic index in a temporary folder for the store benchmarks: built through the public write
/// path, then reopened with a fresh store so that measurements start from what a restarted server has.</summary>
public sealed class TempIndex : IDisposable
{
    private TempIndex(string directory, SqliteIndexStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }

    public SqliteIndexStore Store { get; }

    public static async Task<TempIndex> CreateAsync(int chunks, HashingEmbeddingGenerator embedder)
    {
        var directory = Path.Combine(Path.GetTempPath(), "verity-bench-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "verity.db");
        Console.WriteLine($"// building a {chunks:N0}-chunk index in {directory}");
        using (var builder = SyntheticIndex.Open(path))
        {
            await SyntheticIndex.InitializeAsync(builder, embedder, CancellationToken.None);
            var result = await SyntheticIndex.BuildAsync(builder, Defaults.Corpus(), embedder, chunks, null, CancellationToken.None);
            Console.WriteLine($"// built in {result.Elapsed.TotalSeconds:0.0} s ({result.ChunksPerSecond:N0} chunks/s)");
        }

        var store = SyntheticIndex.Open(path);
        await SyntheticIndex.InitializeAsync(store, embedder, CancellationToken.None);
        return new TempIndex(directory, store);
    }

    public void Dispose()
    {
        Store.Dispose();
        SyntheticIndex.Delete(Directory);
    }
}
