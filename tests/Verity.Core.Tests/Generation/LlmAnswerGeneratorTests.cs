using Microsoft.Extensions.AI;
using Verity.Core.Generation;
using Verity.Core.Retrieval;
using static Verity.Core.Tests.Generation.GenerationFixtures;

namespace Verity.Core.Tests.Generation;

public sealed class LlmAnswerGeneratorTests
{
    private static readonly SearchResult[] Sources =
    [
        Result("pricing", 0, "The basic plan costs 5 euros a month.", title: "Pricing"),
        Result("billing", 0, "Invoices are sent on the first day of each month.", title: "Billing"),
    ];

    private static LlmAnswerGenerator Generator(ScriptedChatClient client, string name = "primary") =>
        new(new ChatModel(name, "gpt-test-mini", client) { MaxOutputTokens = 300, Temperature = 0.2f }, Builder());

    private static async Task<List<AnswerUpdate>> Stream(LlmAnswerGenerator generator, CancellationToken cancellationToken = default)
    {
        var updates = new List<AnswerUpdate>();
        await foreach (var update in generator.StreamAsync("What does the basic plan cost?", Sources, cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task StreamAsync_ModelStreams_YieldsEachDeltaInOrderThenUsageOnce()
    {
        string[] deltas = ["The basic", " plan costs", " 5 euros [1", "]."];
        var client = new ScriptedChatClient(deltas);

        var updates = await Stream(Generator(client));

        Assert.Equal(deltas, updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var usage = Assert.Single(updates, u => u.Usage is not null).Usage!;
        Assert.Equal(client.Usage!.InputTokenCount, usage.PromptTokens);
        Assert.Equal(client.Usage.OutputTokenCount, usage.CompletionTokens);
    }

    [Fact]
    public async Task StreamAsync_ModelReportsNoUsage_NoUpdateCarriesUsage()
    {
        var updates = await Stream(Generator(new ScriptedChatClient("Five euros [1].") { Usage = null }));

        Assert.All(updates, u => Assert.Null(u.Usage));
        Assert.Equal("Five euros [1].", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task StreamAsync_SendsTheBuiltPromptAndTheModelSettings()
    {
        var client = new ScriptedChatClient("Five euros [1].");
        var expected = Builder().Build("What does the basic plan cost?", Sources);

        await Stream(Generator(client));

        Assert.Equal(expected.Messages.Select(m => (m.Role, m.Text)), client.Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal("gpt-test-mini", client.Options!.ModelId);
        Assert.Equal(300, client.Options.MaxOutputTokens);
        Assert.Equal(0.2f, client.Options.Temperature);
    }

    [Fact]
    public async Task GenerateAsync_ValidAndInvalidCitations_CitesOnlyValidAndKeepsTheTextAsWritten()
    {
        const string text = "The basic plan costs 5 euros a month [1][7]. Invoices come on the first [2].";
        var client = new ScriptedChatClient(text);

        var answer = await Generator(client, name: "secondary").GenerateAsync("What does it cost?", Sources, CancellationToken.None);

        Assert.Equal(text, answer.Text);
        Assert.Equal([1, 2], answer.Citations);
        Assert.True(answer.Grounded);
        Assert.Equal("secondary", answer.Generator);
        Assert.Equal(client.Usage!.InputTokenCount, answer.Usage!.PromptTokens);
        Assert.Equal(client.Usage.OutputTokenCount, answer.Usage.CompletionTokens);
    }

    [Theory]
    [InlineData("The basic plan costs 5 euros a month.")]
    [InlineData("The basic plan costs 5 euros a month [3].")]
    [InlineData("I don't know based on the documents I can search.")]
    [InlineData("I don't know based on the documents I can search [1].")]
    public async Task GenerateAsync_NoValidCitationOrTheNoAnswerText_IsNotGrounded(string text)
    {
        var answer = await Generator(new ScriptedChatClient(text)).GenerateAsync("q", Sources, CancellationToken.None);

        Assert.False(answer.Grounded);
        Assert.Equal(text, answer.Text);
    }

    [Fact]
    public async Task GenerateAsync_NoSources_AnswersTheNoAnswerTextWithoutCallingTheModel()
    {
        var client = new ScriptedChatClient("Anything.");

        var answer = await Generator(client).GenerateAsync("q", [], CancellationToken.None);
        var streamed = new List<AnswerUpdate>();
        await foreach (var update in Generator(client).StreamAsync("q", [], CancellationToken.None))
        {
            streamed.Add(update);
        }

        Assert.Equal(0, client.Calls);
        Assert.Equal(Builder().NoAnswerText, answer.Text);
        Assert.False(answer.Grounded);
        Assert.Equal(Builder().NoAnswerText, Assert.Single(streamed).Text);
    }

    [Fact]
    public async Task GenerateAsync_ModelUnavailable_PropagatesTheSameException()
    {
        var failure = new ModelUnavailableException("primary", "circuit open");

        var thrown = await Assert.ThrowsAsync<ModelUnavailableException>(
            () => Generator(new ScriptedChatClient("x") { Failure = failure }).GenerateAsync("q", Sources, CancellationToken.None));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task StreamAsync_ModelUnavailableMidStream_PropagatesTheSameExceptionAfterTheFirstDeltas()
    {
        var failure = new ModelUnavailableException("primary", "connection reset");
        var generator = Generator(new ScriptedChatClient("The basic", " plan", " costs") { Failure = failure, FailAfter = 2 });
        var received = new List<string>();

        var thrown = await Assert.ThrowsAsync<ModelUnavailableException>(async () =>
        {
            await foreach (var update in generator.StreamAsync("q", Sources, CancellationToken.None))
            {
                received.Add(update.Text);
            }
        });

        Assert.Same(failure, thrown);
        Assert.Equal(["The basic", " plan"], received);
    }

    [Fact]
    public async Task GenerateAndStream_Cancelled_PropagateOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var generator = Generator(new ScriptedChatClient("a", "b"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync("q", Sources, cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Stream(generator, cancellation.Token));
    }

    [Fact]
    public async Task GenerateAndStream_OtherModelError_BecomesModelUnavailableNamingTheModel()
    {
        var failure = new HttpRequestException("500 from upstream");
        var generator = Generator(new ScriptedChatClient("a", "b") { Failure = failure, FailAfter = 1 }, name: "secondary");

        var fromGenerate = await Assert.ThrowsAsync<ModelUnavailableException>(() => generator.GenerateAsync("q", Sources, CancellationToken.None));
        var fromStream = await Assert.ThrowsAsync<ModelUnavailableException>(() => Stream(generator));

        Assert.All([fromGenerate, fromStream], e =>
        {
            Assert.Equal("secondary", e.Model);
            Assert.Same(failure, e.InnerException);
            Assert.True(e.IsTransient);
        });
    }

    [Fact]
    public void Name_IsTheConfiguredModelName() =>
        Assert.Equal("fallback-2", Generator(new ScriptedChatClient(), name: "fallback-2").Name);
}
