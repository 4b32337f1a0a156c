using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chat;
using Verity.Core.Chunking;
using Verity.Core.Embeddings;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Security;

namespace Verity.Sqlite.Tests.Chat;

/// <summary>The answer path over a real SQLite index: fallback order, retraction, degradation, citation checks, the
/// answer cache and its permission boundary, and routing.</summary>
public sealed class ChatServiceTests : IAsyncDisposable, IDisposable
{
    private const string Tenant = "acme";
    private const string LeaveQuestion = "How many days of annual leave do I get per year?";

    private readonly TempDirectory _temp = new();
    private readonly ScriptedChatClient _primary = new("primary");
    private readonly ScriptedChatClient _fallback = new("fallback");
    private readonly SwitchableEmbedder _embedder = new(new HashingEmbeddingGenerator());
    private ServiceProvider? _services;

    private static CancellationToken Ct => CancellationToken.None;

    private static IReadOnlyCollection<string> Ann => [DocumentAcl.UserPrincipal("ann"), DocumentAcl.GroupPrincipal("finance")];

    private static IReadOnlyCollection<string> Bob => [DocumentAcl.UserPrincipal("bob"), DocumentAcl.GroupPrincipal("hr")];

    [Fact]
    public async Task StreamAsync_PrimaryDownBeforeWriting_FallbackAnswersAndTheAnswerIsDegraded()
    {
        var chat = await StartAsync(models: 2);
        _primary.Then(Script.Down);

        var events = await CollectAsync(chat.StreamAsync(Ask(LeaveQuestion), Ct));
        var result = Assert.IsType<ChatCompleted>(events[^1]).Result;

        Assert.Equal(["primary", "fallback"], events.OfType<ChatAnswering>().Select(a => a.Generator));
        Assert.Empty(events.OfType<ChatRetracted>());
        Assert.Equal("fallback", result.Generator);
        Assert.Equal("model-fallback", result.Model);
        Assert.True(result.Degraded);
        Assert.Contains(result.Degradations, d => d.StartsWith("primary", StringComparison.Ordinal));
        Assert.True(result.Grounded);
        Assert.Equal((1, 1), (_primary.Calls, _fallback.Calls));
        Assert.Equal(120, result.Usage?.TotalTokens);
    }

    [Fact]
    public async Task AskAsync_EveryModelDown_ExtractiveAnswerWithCitations()
    {
        var chat = await StartAsync(models: 2);
        _primary.Default = _ => Script.Down;
        _fallback.Default = _ => Script.Down;

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.Equal("extractive", result.Generator);
        Assert.True(result.Degraded);
        Assert.Equal(2, result.Degradations.Count);
        Assert.True(result.Grounded);
        Assert.Contains("twenty-five", result.Answer, StringComparison.Ordinal);
        Assert.NotEmpty(result.Citations);
    }

    [Fact]
    public async Task StreamAsync_PrimaryFailsMidAnswer_PartialTextIsRetractedAndTheFallbackAnswersInFull()
    {
        var chat = await StartAsync(models: 2);
        // With answer redaction on (the default) text is released a sentence at a time: the first one gets out.
        _primary.Then(Script.DropAfter("Annual leave is thirty days. It is unlimited for managers [1].", 7));
        const string fallbackAnswer = "Annual leave is twenty-five days per year [1].";
        _fallback.Then(Script.Answer(fallbackAnswer));

        var events = await CollectAsync(chat.StreamAsync(Ask(LeaveQuestion), Ct));
        var result = Assert.IsType<ChatCompleted>(events[^1]).Result;

        var retraction = events.FindIndex(e => e is ChatRetracted);
        Assert.True(retraction > 0, "a retraction is streamed");
        Assert.Equal("primary", ((ChatRetracted)events[retraction]).Generator);
        Assert.NotEmpty(events.Take(retraction).OfType<ChatDelta>());
        var after = string.Concat(events.Skip(retraction).OfType<ChatDelta>().Select(d => d.Text));
        Assert.Equal(fallbackAnswer, after);
        Assert.Equal(fallbackAnswer, result.Answer);
        Assert.True(result.Degraded);
    }

    [Fact]
    public async Task AskAsync_CitationOfAMissingSource_IsRemovedAndReported()
    {
        var chat = await StartAsync(models: 1);
        _primary.Then(Script.Answer("Annual leave is twenty-five days per year [1][9]. Requests go through the portal [1] [7]."));

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.Equal([9, 7], result.RemovedCitations);
        Assert.DoesNotContain("[9]", result.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("[7]", result.Answer, StringComparison.Ordinal);
        Assert.Equal([1], result.Citations);
        Assert.True(result.Grounded);
        Assert.Null(result.Notice);
    }

    [Fact]
    public async Task AskAsync_ModelAnswersWithoutCiting_IsNotGroundedAndSaysSo()
    {
        var chat = await StartAsync(models: 1);
        _primary.Then(Script.Answer("Most companies give about four weeks of leave. Ask your manager."));

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.False(result.Grounded);
        Assert.NotNull(result.Notice);
        Assert.Equal(0, result.CitationCheck!.CitedShare);
        Assert.False(result.Degraded);
    }

    [Fact]
    public async Task AskAsync_ModelSaysItDoesNotKnow_IsNotGroundedWithoutANotice()
    {
        var chat = await StartAsync(models: 1);
        _primary.Then(Script.Answer("I don't know based on the documents I can search."));

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.False(result.Grounded);
        Assert.Null(result.Notice);
    }

    [Fact]
    public async Task AskAsync_SameQuestionTwice_SecondIsCachedUntilADocumentChanges()
    {
        var chat = await StartAsync(models: 1);

        var first = await chat.AskAsync(Ask(LeaveQuestion), Ct);
        var second = await chat.AskAsync(Ask("  how many DAYS of annual leave do I get per year "), Ct);

        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Equal(first.Answer, second.Answer);
        Assert.Equal(first.Sources.Select(s => s.Chunk.Id), second.Sources.Select(s => s.Chunk.Id));
        Assert.Equal(1, _primary.Calls);

        await IngestAsync("leave", "Annual leave is twenty-six days per year from January. Requests go through the HR portal.");
        var third = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.False(third.Cached);
        Assert.NotEqual(first.IndexVersion, third.IndexVersion);
        Assert.Equal(2, _primary.Calls);
    }

    [Fact]
    public async Task AskAsync_CachedAnswer_IsNeverServedAcrossPermissionBoundaries()
    {
        var chat = await StartAsync(models: 0);
        const string question = "How large is the bonus pool?";

        var ann = await chat.AskAsync(Ask(question, Ann), Ct);
        var bob = await chat.AskAsync(Ask(question, Bob), Ct);
        var annAgain = await chat.AskAsync(Ask(question, Ann), Ct);

        Assert.Contains(ann.Sources, s => s.Chunk.DocumentId == "bonus-finance");
        Assert.DoesNotContain(ann.Sources, s => s.Chunk.DocumentId == "bonus-hr");
        Assert.False(bob.Cached);
        Assert.Contains(bob.Sources, s => s.Chunk.DocumentId == "bonus-hr");
        Assert.DoesNotContain(bob.Sources, s => s.Chunk.DocumentId == "bonus-finance");
        Assert.DoesNotContain("four percent", bob.Answer, StringComparison.Ordinal);
        Assert.True(annAgain.Cached);
        Assert.Equal(ann.Answer, annAgain.Answer);
    }

    [Fact]
    public async Task AskAsync_DegradedAnswer_IsNotCached()
    {
        var chat = await StartAsync(models: 1);
        _primary.Then(Script.Down);

        var degraded = await chat.AskAsync(Ask(LeaveQuestion), Ct);
        var recovered = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.True(degraded.Degraded);
        Assert.False(recovered.Cached);
        Assert.Equal("primary", recovered.Generator);
        Assert.False(recovered.Degraded);
    }

    [Fact]
    public async Task StreamAsync_SmallTalk_IsAnsweredWithoutSearchOrModel()
    {
        var chat = await StartAsync(models: 1);

        var result = await chat.AskAsync(Ask("Hi there!"), Ct);

        Assert.Equal(ChatRoute.SmallTalk, result.Route);
        Assert.Empty(result.Sources);
        Assert.Equal(0, _primary.Calls);
        Assert.Equal(0, _embedder.Calls);
        Assert.Contains("document", result.Answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AskAsync_EmbedderDown_AnswersFromKeywordSearchAndSaysSo()
    {
        var chat = await StartAsync(models: 0);
        _embedder.Down = true;

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.True(result.Degraded);
        Assert.Contains(result.Degradations, d => d.Contains("keyword search", StringComparison.Ordinal));
        Assert.True(result.Grounded);
        Assert.Contains(result.Sources, s => s.Chunk.DocumentId == "leave");
        Assert.All(result.Sources, s => Assert.Null(s.DenseRank));
    }

    [Fact]
    public async Task AskAsync_NoModelConfigured_ExtractiveIsNotDegraded()
    {
        var chat = await StartAsync(models: 0);

        var result = await chat.AskAsync(Ask(LeaveQuestion), Ct);

        Assert.Equal("extractive", result.Generator);
        Assert.False(result.Degraded);
        Assert.True(result.Grounded);
        Assert.Null(result.Template);
    }

    [Fact]
    public async Task AskAsync_LongMessage_IsCondensedBeforeSearching()
    {
        var chat = await StartAsync(models: 0);
        var message = string.Join(' ', Enumerable.Repeat("I was talking with my manager yesterday about the project plan and my holiday.", 8))
            + " How many days of annual leave do I get per year?";

        var result = await chat.AskAsync(Ask(message), Ct);

        Assert.NotNull(result.SearchQuery);
        Assert.True(result.SearchQuery.Length < message.Length / 3, result.SearchQuery);
        Assert.Contains("annual leave", result.SearchQuery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(result.Sources, s => s.Chunk.DocumentId == "leave");
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    public void Dispose() => _temp.Dispose();

    private static ChatRequest Ask(string question, IReadOnlyCollection<string>? principals = null) =>
        new() { Question = question, TenantId = Tenant, Principals = principals ?? [DocumentAcl.UserPrincipal("erin")] };

    private static async Task<List<ChatEvent>> CollectAsync(IAsyncEnumerable<ChatEvent> events)
    {
        var list = new List<ChatEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }

    private async Task<ChatService> StartAsync(int models)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (models >= 1)
        {
            services.AddSingleton(new ChatModel("primary", "model-primary", _primary));
        }

        if (models >= 2)
        {
            services.AddSingleton(new ChatModel("fallback", "model-fallback", _fallback));
        }

        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_embedder);
        services.AddVerityCore(new VerityCoreOptions());
        services.AddVeritySqlite(new SqliteStoreOptions { Path = _temp.Combine("verity.db") });
        _services = services.BuildServiceProvider();

        var chunker = _services.GetRequiredService<IChunker>();
        await _services.GetRequiredService<IIndexStore>().InitializeAsync(
            new IndexConfiguration(IngestionService.EmbeddingModelOf(_embedder), _embedder.Dimensions, chunker.Version), Ct);
        await IngestAsync("leave", "Annual leave is twenty-five days per year. Requests go through the HR portal.");
        await IngestAsync("bonus-finance", "The bonus pool for the finance team is four percent of salary.", new DocumentAcl { Groups = ["finance"] });
        await IngestAsync("bonus-hr", "The bonus pool for the people team is two percent of salary.", new DocumentAcl { Groups = ["hr"] });
        await IngestAsync("parking", "Parking permits are issued by reception on the ground floor.");
        await IngestAsync("laptops", "Laptops are replaced every three years by the IT service desk.");
        await IngestAsync("travel", "Train travel is booked through the travel portal at least a week ahead.");
        await IngestAsync("security", "Report a lost badge to security within one hour.");
        _embedder.Calls = 0;
        return _services.GetRequiredService<ChatService>();
    }

    private Task<IngestOutcome> IngestAsync(string id, string text, DocumentAcl? acl = null) =>
        _services!.GetRequiredService<IngestionService>().IngestAsync(
            new DocumentInput { TenantId = Tenant, Id = id, Title = id, Text = text, Source = "test", Acl = acl ?? DocumentAcl.Public }, Ct);

    /// <summary>The hashing embedder, until <see cref="Down"/>: then it fails as an unreachable remote endpoint does.</summary>
    private sealed class SwitchableEmbedder(HashingEmbeddingGenerator inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public bool Down { get; set; }

        public int Calls { get; set; }

        public int Dimensions => inner.Dimensions;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Down
                ? throw new ModelUnavailableException("embeddings", "embeddings (test-model) is unavailable: connection refused.")
                : inner.GenerateAsync(values, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
