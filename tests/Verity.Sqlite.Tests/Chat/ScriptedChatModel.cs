using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Verity.Core;

namespace Verity.Sqlite.Tests.Chat;

/// <summary>
/// A chat client scripted per call, standing where the resilient OpenAI-compatible client stands in production: it
/// either answers (streamed in pieces) or gives up with <see cref="ModelUnavailableException"/>, before or after
/// writing part of its answer. Orchestration is what these tests check; the wire protocol is tested against a real
/// OpenAI-protocol server in the Llm and Server tests.
/// </summary>
internal sealed class ScriptedChatClient(string name) : IChatClient
{
    private readonly ConcurrentQueue<Func<IReadOnlyList<ChatMessage>, Script>> _scripts = new();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>What the client does when no script is queued.</summary>
    public Func<IReadOnlyList<ChatMessage>, Script> Default { get; set; } = _ => Script.Answer("The answer is in the first source [1].");

    public ScriptedChatClient Then(Script script)
    {
        _scripts.Enqueue(_ => script);
        return this;
    }

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The chat service streams.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var list = messages.ToList();
        var script = _scripts.TryDequeue(out var next) ? next(list) : Default(list);
        var written = 0;
        foreach (var piece in script.Pieces)
        {
            if (script.FailAfter is { } failAfter && written == failAfter)
            {
                break;
            }

            await Task.Yield();
            written++;
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece);
        }

        if (script.FailAfter is not null)
        {
            throw new ModelUnavailableException(name, $"{name} is unavailable: scripted failure.");
        }

        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20 })] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <param name="Pieces">The answer, in the pieces it is streamed in.</param>
/// <param name="FailAfter">Give up after this many pieces (0: before writing anything); null to finish.</param>
internal sealed record Script(IReadOnlyList<string> Pieces, int? FailAfter)
{
    public static Script Answer(string text) =>
        new([.. text.Split(' ').Select((word, i) => i == 0 ? word : " " + word)], null);

    public static Script Down => new([], 0);

    public static Script DropAfter(string text, int pieces) => Answer(text) with { FailAfter = pieces };
}
