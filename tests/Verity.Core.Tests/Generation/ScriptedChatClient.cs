using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Verity.Core.Tests.Generation;

/// <summary>An in-process chat model for unit tests of the generator: answers with scripted deltas and usage,
/// or fails with a scripted exception (at the start, or after <see cref="FailAfter"/> deltas), and records what it
/// was sent.</summary>
internal sealed class ScriptedChatClient(params string[] deltas) : IChatClient
{
    public UsageDetails? Usage { get; init; } = new() { InputTokenCount = 321, OutputTokenCount = 45, TotalTokenCount = 366 };

    public Exception? Failure { get; init; }

    public int FailAfter { get; init; }

    public List<ChatMessage> Messages { get; } = [];

    public ChatOptions? Options { get; private set; }

    public int Calls { get; private set; }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (Failure is not null)
        {
            throw Failure;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(deltas))) { Usage = Usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        for (var i = 0; i < deltas.Length; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (Failure is not null && i == FailAfter)
            {
                throw Failure;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, deltas[i]);
        }

        if (Usage is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private void Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        Calls++;
        Messages.AddRange(messages);
        Options = options;
    }
}
