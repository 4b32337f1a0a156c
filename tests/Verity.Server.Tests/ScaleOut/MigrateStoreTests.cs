using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Security;
using Verity.Server.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.ScaleOut;

/// <summary><c>verity migrate-store</c>: an index grown embedded moves to PostgreSQL and back without losing or
/// changing anything a reader can see, and copying again writes nothing.</summary>
[Collection(ScaleOutTests.Name)]
public sealed class MigrateStoreTests(PostgresServer server) : IDisposable
{
    private static readonly string[] Questions =
    [
        "How many days of annual leave do employees get?",
        "What is the process for rotating TLS certificates?",
        "How do I roll back a bad deploy?",
        "What are the executive compensation bands?",
        "Which SDK languages are supported?",
        "How are GDPR data deletion requests handled?",
    ];

    // Lexical matching is OR of the content words: specific words keep every match inside one page of results, so
    // the set of documents found is the whole answer on both engines.
    private static readonly string[] LexicalQueries =
    [
        "TLS certificate rotation",
        "kafka consumer lag",
        "parental leave",
        "webhook signature",
        "GDPR erasure request",
        "rollback",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-migrate-store", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task MigrateStore_SqliteToPostgresAndBack_PreservesDocumentsChunksAndSearchResults()
    {
        var original = "sqlite:" + Path.Combine(_root, "original", "verity.db");
        var returned = "sqlite:" + Path.Combine(_root, "returned", "verity.db");
        var postgres = "postgres:" + await server.CreateDatabaseAsync();
        var ingest = await VerityInstance.RunAsync("ingest", null, "ingest", RepositoryPaths.DemoCorpus, "--store", original, "--json");
        Assert.True(ingest.ExitCode == 0, ingest.Output);
        await using var a = await OpenAsync(original);
        var keys = await CreateKeysAsync(a.GetRequiredService<IApiKeyStore>());

        var there = await CopyAsync(original, postgres);
        var back = await CopyAsync(postgres, returned);
        var again = await CopyAsync(original, postgres);

        Assert.True(there.GetProperty("copied").GetInt32() > 40, there.ToString());
        Assert.Equal(there.GetProperty("documents").GetInt32(), there.GetProperty("copied").GetInt32());
        Assert.Equal(there.GetProperty("copied").GetInt32(), back.GetProperty("copied").GetInt32());
        Assert.Equal(there.GetProperty("chunks").GetInt64(), back.GetProperty("chunks").GetInt64());
        Assert.Equal(0, again.GetProperty("copied").GetInt32());
        Assert.Equal(there.GetProperty("documents").GetInt32(), again.GetProperty("unchanged").GetInt32());
        Assert.Equal((2, 0), (there.GetProperty("keys_copied").GetInt32(), there.GetProperty("keys_unchanged").GetInt32()));
        Assert.Equal((0, 2), (again.GetProperty("keys_copied").GetInt32(), again.GetProperty("keys_unchanged").GetInt32()));

        await using var p = await OpenAsync(postgres);
        await using var b = await OpenAsync(returned);
        foreach (var copy in new[] { p, b })
        {
            foreach (var key in keys)
            {
                var stored = await copy.GetRequiredService<IApiKeyStore>().FindByIdAsync(key.Record.Id, CancellationToken.None);
                Assert.NotNull(stored);
                Assert.Equal(key.SecretHash, stored.SecretHash);
                Assert.Equal((key.Record.Name, key.Record.IsRevoked), (stored.Record.Name, stored.Record.IsRevoked));
                Assert.Equal(key.Record.Roles, stored.Record.Roles);
            }
        }

        var content = await ContentAsync(a);
        Assert.Equal(there.GetProperty("documents").GetInt32(), content.Count);
        Assert.Equal(content, await ContentAsync(p));
        Assert.Equal(content, await ContentAsync(b));

        foreach (var principals in new IReadOnlyCollection<string>?[] { null, ["group:executives"], ["user:nobody"] })
        {
            foreach (var question in Questions)
            {
                var dense = await DenseAsync(a, question, principals);
                Assert.NotEmpty(dense);
                Assert.Equal(dense, await DenseAsync(p, question, principals));
                Assert.Equal(dense, await DenseAsync(b, question, principals));

            }

            foreach (var query in LexicalQueries)
            {
                // ts_rank and BM25 order differently, so PostgreSQL is held to the same documents found; the SQLite
                // copy, same engine and same rows, to the same ranking.
                var lexical = await LexicalAsync(a, query, principals);
                Assert.InRange(lexical.Count, 1, LexicalTopK - 1);
                Assert.Equal(lexical, await LexicalAsync(b, query, principals));
                Assert.Equal(
                    lexical.Distinct().Order(StringComparer.Ordinal),
                    (await LexicalAsync(p, query, principals)).Distinct().Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public async Task MigrateStore_TargetBuiltWithAnotherEmbeddingModel_RefusesAndWritesNothing()
    {
        var small = "sqlite:" + Path.Combine(_root, "small", "verity.db");
        var large = "sqlite:" + Path.Combine(_root, "large", "verity.db");
        var docs = Path.Combine(_root, "docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "kiln.md"), "# Kiln\n\nThe pottery kiln is fired on Thursdays.");
        Assert.Equal(0, (await VerityInstance.RunAsync("ingest-small", null, "ingest", docs, "--store", small)).ExitCode);
        Assert.Equal(0, (await VerityInstance.RunAsync("ingest-large", new Dictionary<string, string> { ["Verity__Embedding__Dimensions"] = "256" }, "ingest", docs, "--store", large)).ExitCode);

        var refused = await VerityInstance.RunAsync("copy", null, "migrate-store", "--from", small, "--to", large);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("embedding model", refused.Output, StringComparison.Ordinal);
        await using var target = await OpenAsync(large, new Dictionary<string, string?> { ["Verity:Embedding:Dimensions"] = "256" });
        Assert.Equal(1, (await target.GetRequiredService<IIndexStore>().GetStatisticsAsync(Tenants.Default, CancellationToken.None)).Documents);
    }

    /// <summary>Two service-account keys, one of them revoked.</summary>
    private static async Task<List<StoredApiKey>> CreateKeysAsync(IApiKeyStore store)
    {
        var keys = new List<StoredApiKey>();
        foreach (var (name, revoked) in new[] { ("nightly-indexer", false), ("old-bot", true) })
        {
            var generated = ApiKeys.Generate();
            var record = new ApiKeyRecord
            {
                Id = generated.Id,
                TenantId = Tenants.Default,
                Name = name,
                Roles = ["reader", "editor"],
                Groups = ["ops"],
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "admin",
            };
            await store.CreateAsync(record, generated.SecretHash, CancellationToken.None);
            if (revoked)
            {
                await store.RevokeAsync(Tenants.Default, generated.Id, CancellationToken.None);
            }

            keys.Add((await store.FindByIdAsync(generated.Id, CancellationToken.None))!);
        }

        return keys;
    }

    private static async Task<JsonElement> CopyAsync(string from, string to)
    {
        var run = await VerityInstance.RunAsync("migrate-store", null, "migrate-store", "--from", from, "--to", to, "--json");
        Assert.True(run.ExitCode == 0, run.Output);
        return JsonDocument.Parse(run.Output[run.Output.IndexOf('{', StringComparison.Ordinal)..]).RootElement.Clone();
    }

    private static async Task<ServiceProvider> OpenAsync(string store, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings ?? []) { [StoreSelection.ConfigurationKey] = store })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddVerityServices(configuration);
        var provider = services.BuildServiceProvider();
        await provider.InitializeIndexAsync(CancellationToken.None);
        return provider;
    }

    /// <summary>Every document with its text, ACL, metadata and chunks (text, page, vector bytes), as lines.</summary>
    private static async Task<List<string>> ContentAsync(ServiceProvider services)
    {
        var exporter = (IIndexExporter)services.GetRequiredService<IIndexStore>();
        var lines = new List<string>();
        foreach (var tenant in await exporter.ListTenantsAsync(CancellationToken.None))
        {
            await foreach (var write in exporter.ExportDocumentsAsync(tenant, CancellationToken.None))
            {
                var d = write.Document;
                var chunks = write.Chunks.Select(c =>
                    $"{c.Ordinal}:{c.HeadingPath}:{c.Page}:{c.Text}:{Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Embedding.Span))}");
                lines.Add($"{tenant}/{d.Id}|{d.Title}|{d.ContentHash}|{d.Acl.Canonical}|{string.Join(',', d.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))}|{d.SourceVersion}|{write.Text}|{string.Join('\n', chunks)}");
            }
        }

        return lines;
    }

    private static async Task<List<string>> DenseAsync(ServiceProvider services, string question, IReadOnlyCollection<string>? principals) =>
        (await SearchAsync(services, question, SearchMode.Dense, principals))
            .Select(r => $"{r.Chunk.Id} {r.Score:0.0000} {r.Chunk.Text}").ToList();

    private static async Task<List<string>> LexicalAsync(ServiceProvider services, string question, IReadOnlyCollection<string>? principals) =>
        (await SearchAsync(services, question, SearchMode.Lexical, principals, LexicalTopK)).Select(r => r.Chunk.DocumentId).ToList();

    private const int LexicalTopK = 100;

    private static async Task<IReadOnlyList<SearchResult>> SearchAsync(
        ServiceProvider services, string question, SearchMode mode, IReadOnlyCollection<string>? principals, int topK = 8) =>
        (await services.GetRequiredService<Retriever>().SearchAsync(
            new SearchRequest { Query = question, TenantId = Tenants.Default, Mode = mode, TopK = topK, Principals = principals },
            CancellationToken.None)).Results;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
