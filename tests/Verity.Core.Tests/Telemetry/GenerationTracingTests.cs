using System.Diagnostics;
using Verity.Core.Generation;
using Verity.Core.Retrieval;
using Verity.Core.Tests.Generation;
using Verity.Testing.Telemetry;
using static Verity.Core.Tests.Generation.GenerationFixtures;

namespace Verity.Core.Tests.Telemetry;

/// <summary>One <c>verity.generate</c> span per attempt of the fallback chain, with its outcome and usage.</summary>
public sealed class GenerationTracingTests
{
    private const string Question = "What does the basic plan cost for a zebra-striped account?";

    private static readonly SearchResult[] Sources =
    [
        Result("pricing", 0, "The basic plan costs 5 euros a month.", title: "Pricing"),
        Result("billing", 0, "Invoices are sent on the first day of each month.", title: "Billing"),
    ];

    [Fact]
    public async Task StreamAsync_PrimaryFailsBeforeWriting_SecondRetractsAndExtractiveAnswers_OneSpanPerAttempt()
    {
        using var spans = new SpanRecorder();
        var chain = Chain(
            new ScriptedChatClient("Five", " euros") { Failure = new HttpRequestException("refused"), FailAfter = 0 },
            new ScriptedChatClient("The basic plan", " costs", " 5 euros [1].") { Failure = new TimeoutException(), FailAfter = 2 });

        var events = await Collect(chain.StreamAsync(Question, Sources, CancellationToken.None));

        Assert.IsType<GenerationCompleted>(events[^1]);
        var generate = spans.All("verity.generate");
        Assert.Equal(["primary", "secondary", "extractive"], generate.Select(s => s.GetTagItem("verity.generate.generator")));
        Assert.Equal(["failed", "retracted", "ok"], generate.Select(s => s.GetTagItem("verity.generate.outcome")));
        Assert.Equal(
            [ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset],
            generate.Select(s => s.Status));
        Assert.All(generate.Take(2), s =>
        {
            Assert.Equal(nameof(ModelUnavailableException), s.StatusDescription);
            Assert.Equal(typeof(ModelUnavailableException).FullName, s.GetTagItem("error.type"));
            Assert.Equal("chat", s.GetTagItem("gen_ai.operation.name"));
        });
        Assert.Equal(["model-primary", "model-secondary", null], generate.Select(s => s.GetTagItem("gen_ai.request.model")));
        Assert.All(generate, s => SpanRecorder.AssertChildOf(spans.Root, s));

        // The rendered prompt is measured under the attempt that sent it.
        var renders = spans.All("verity.prompt.render");
        Assert.Equal(2, renders.Count);
        Assert.Equal(generate.Take(2).Select(s => s.SpanId), renders.Select(r => r.ParentSpanId));
        Assert.All(renders, r =>
        {
            Assert.Equal(Sources.Length, r.GetTagItem("verity.prompt.sources"));
            Assert.True((int)r.GetTagItem("verity.prompt.source_tokens")! > 0);
        });
        AssertNoText(spans);
    }

    [Fact]
    public async Task StreamAsync_ModelAnswers_UsageIsOnItsSpan()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedChatClient("The basic plan", " costs 5 euros [1].");

        await Collect(Chain(client).StreamAsync(Question, Sources, CancellationToken.None));

        var span = spans.Single("verity.generate");
        Assert.Equal("ok", span.GetTagItem("verity.generate.outcome"));
        Assert.Equal(client.Usage!.InputTokenCount, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(client.Usage.OutputTokenCount, span.GetTagItem("gen_ai.usage.output_tokens"));
        AssertNoText(spans);
    }

    private static GenerationChain Chain(params ScriptedChatClient[] clients) =>
        new(
            clients.Select((c, i) => new ChatModel(i == 0 ? "primary" : "secondary", i == 0 ? "model-primary" : "model-secondary", c)),
            Builder(),
            new ExtractiveAnswerGenerator(new ExtractiveOptions()));

    private static async Task<List<GenerationEvent>> Collect(IAsyncEnumerable<GenerationEvent> events)
    {
        var list = new List<GenerationEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }

    private static void AssertNoText(SpanRecorder spans)
    {
        string[] secrets = [Question, "zebra", "basic plan", "euros", "Invoices", "refused"];
        foreach (var (span, key, value) in spans.AttributeValues())
        {
            Assert.False(
                secrets.Any(s => value.Contains(s, StringComparison.OrdinalIgnoreCase)),
                $"{span} {key} = {value}");
        }
    }
}
