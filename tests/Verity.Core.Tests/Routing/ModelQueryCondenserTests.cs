using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Generation;
using Verity.Core.Routing;
using Verity.Core.Text;

namespace Verity.Core.Tests.Routing;

public sealed class ModelQueryCondenserTests
{
    private static readonly TiktokenTokenCounter Tokens = new();
    private static readonly ExtractiveQueryCondenser Extractive = new(new RoutingOptions(), Tokens);
    private static readonly string Fallback = Extractive.Condense(ExtractiveQueryCondenserTests.LongMessage);

    private static ModelQueryCondenser Condenser(ScriptedChatClient client) =>
        new(new ChatModel("primary", "gpt-test", client), Extractive, NullLogger<ModelQueryCondenser>.Instance);

    [Fact]
    public async Task CondenseAsync_GoodReply_UsedAndRequestIsShortAndDeterministic()
    {
        var client = new ScriptedChatClient(_ => "\"fix VPN error 809 after office move\"\n");

        var query = await Condenser(client).CondenseAsync(ExtractiveQueryCondenserTests.LongMessage, default);

        Assert.Equal("fix VPN error 809 after office move", query);
        var (messages, options) = Assert.Single(client.Requests);
        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(message => message.Role));
        Assert.Contains("search query", messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(ExtractiveQueryCondenserTests.LongMessage, messages[1].Text);
        Assert.Equal("gpt-test", options?.ModelId);
        Assert.Equal(0f, options?.Temperature);
    }

    [Fact]
    public async Task CondenseAsync_ModelUnavailable_FallsBackToExtractive()
    {
        var client = new ScriptedChatClient(_ => throw new Verity.Core.ModelUnavailableException("primary", "circuit open"));

        Assert.Equal(Fallback, await Condenser(client).CondenseAsync(ExtractiveQueryCondenserTests.LongMessage, default));
        Assert.Single(client.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    [InlineData("Sure! Here is a standalone search query that captures everything the user described in detail, " +
        "including the office move, the laptop, the repeated restarts, the reinstalled client and the firewall change")]
    [InlineData("quarterly revenue forecast")]
    public async Task CondenseAsync_EmptyOverlongOrUnrelatedReply_FallsBackToExtractive(string reply)
    {
        var client = new ScriptedChatClient(_ => reply);

        Assert.Equal(Fallback, await Condenser(client).CondenseAsync(ExtractiveQueryCondenserTests.LongMessage, default));
    }

    [Fact]
    public async Task CondenseAsync_ModelTimesOutOnItsOwn_FallsBackToExtractive()
    {
        var client = new ScriptedChatClient(_ => throw new TaskCanceledException("HTTP timeout"));

        Assert.Equal(Fallback, await Condenser(client).CondenseAsync(ExtractiveQueryCondenserTests.LongMessage, default));
    }

    [Fact]
    public async Task CondenseAsync_CallerCancels_Propagates()
    {
        using var cancellation = new CancellationTokenSource();
        var client = new ScriptedChatClient(token =>
        {
            cancellation.Cancel();
            token.ThrowIfCancellationRequested();
            return "unreachable";
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Condenser(client).CondenseAsync(ExtractiveQueryCondenserTests.LongMessage, cancellation.Token));
    }

    /// <summary>A chat client that answers every request with what the script returns (or throws).</summary>
    private sealed class ScriptedChatClient(Func<CancellationToken, string> script) : IChatClient
    {
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add(([.. messages], options));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, script(cancellationToken))));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var response = await GetResponseAsync(messages, options, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, response.Text);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
