using System.Runtime.CompilerServices;
using Verity.Core;
using Verity.Core.Chat;
using Verity.Server.Endpoints;

namespace Verity.Server.Tests.Generation;

/// <summary>How a streamed answer's failures split: before the first event they are thrown (and become a status
/// code); after it they end the stream with one failure event.</summary>
public sealed class StartedChatStreamTests
{
    [Fact]
    public async Task Start_FailureBeforeTheFirstEvent_IsThrown()
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            StartedChatStream.StartAsync(EventsAsync(failAfter: 0), CancellationToken.None));

        Assert.Equal("broken", error.Message);
    }

    [Fact]
    public async Task Read_FailureAfterTheFirstEvent_EndsWithOneFailedEvent()
    {
        await using var stream = await StartedChatStream.StartAsync(EventsAsync(failAfter: 2), CancellationToken.None);

        var events = await CollectAsync(stream);

        Assert.Equal(3, events.Count);
        Assert.IsType<ChatAnswering>(events[0]);
        Assert.Equal("one", Assert.IsType<ChatDelta>(events[1]).Text);
        Assert.Equal("broken", Assert.IsType<ChatStreamFailed>(events[2]).Error.Message);
    }

    [Fact]
    public async Task Read_Cancelled_EndsWithoutAFailedEvent()
    {
        using var cancellation = new CancellationTokenSource();
        await using var stream = await StartedChatStream.StartAsync(EventsAsync(failAfter: null, cancelAfter: 1, cancellation), cancellation.Token);

        var events = await CollectAsync(stream);

        Assert.Equal(2, events.Count);
        Assert.DoesNotContain(events, e => e is ChatStreamFailed);
    }

    private static async Task<List<ChatEvent>> CollectAsync(StartedChatStream stream)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in stream.ReadAsync())
        {
            events.Add(e);
        }

        return events;
    }

    private static async IAsyncEnumerable<ChatEvent> EventsAsync(
        int? failAfter, int? cancelAfter = null, CancellationTokenSource? cancellation = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatEvent[] script = [new ChatAnswering("primary", "m"), new ChatDelta("one"), new ChatDelta("two")];
        for (var i = 0; i < script.Length; i++)
        {
            await Task.Yield();
            if (i == failAfter)
            {
                throw new InvalidRequestException("broken");
            }

            if (i == cancelAfter + 1)
            {
                await cancellation!.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return script[i];
        }
    }
}
