using Verity.Core.Routing;
using Verity.Core.Text;

namespace Verity.Core.Tests.Routing;

public sealed class ExtractiveQueryCondenserTests
{
    private static readonly TiktokenTokenCounter Tokens = new();

    internal const string LongMessage =
        "Since our team relocated to the Lisbon office last week, the VPN client on my laptop keeps disconnecting. " +
        "The VPN shows error 809 each time and the laptop then loses access to the intranet. " +
        "I already restarted the laptop twice and reinstalled the client from the portal. " +
        "Our manager says the firewall was changed during the move. " +
        "How do I fix the connection?";

    private static ExtractiveQueryCondenser Condenser(int maxTokens = 32) =>
        new(new RoutingOptions { CondensedMaxTokens = maxTokens }, Tokens);

    [Fact]
    public void Condense_LongMessage_KeepsQuestionSentenceAndAddsFrequentContextTerms()
    {
        var query = Condenser().Condense(LongMessage);

        Assert.StartsWith("How do I fix the connection?", query, StringComparison.Ordinal);
        Assert.Contains("VPN", query, StringComparison.Ordinal);
        Assert.Contains("laptop", query, StringComparison.Ordinal);
        Assert.InRange(Tokens.CountTokens(query), 1, 32);
        Assert.True(Tokens.CountTokens(query) < Tokens.CountTokens(LongMessage) / 2);
    }

    [Fact]
    public void Condense_MostFrequentTermsFirst_AndNoneRepeatedFromTheQuestion()
    {
        var extra = Condenser().Condense(LongMessage)["How do I fix the connection?".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // "laptop" (3 times), then "VPN" and "client" (2 each, in order of first use) lead; "connection" is already in the question.
        Assert.Equal(["laptop", "VPN", "client"], extra[..3]);
        Assert.DoesNotContain("connection", extra);
        Assert.Equal(extra.Length, extra.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void Condense_AnyBudget_NeverExceedsIt(int maxTokens)
    {
        var query = Condenser(maxTokens).Condense(LongMessage);

        Assert.InRange(Tokens.CountTokens(query), 1, maxTokens);
    }

    [Fact]
    public void Condense_NoQuestionMark_KeepsLastSentence()
    {
        var message = "The expense tool rejected my receipt from the Berlin trip twice. " +
            "The tool said the receipt was older than ninety days. I need to submit the Berlin receipt anyway.";

        var query = Condenser().Condense(message);

        Assert.StartsWith("I need to submit the Berlin receipt anyway.", query, StringComparison.Ordinal);
        Assert.Contains("tool", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Condense_SeveralQuestions_KeepsAllOfThemInOrder()
    {
        var message = "We onboard four contractors next month in the Porto office. " +
            "Do contractors get laptops? Who approves their access?";

        var query = Condenser().Condense(message);

        Assert.StartsWith("Do contractors get laptops? Who approves their access?", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Condense_OneOverlongQuestion_ContentWordsWithinBudget()
    {
        var message = "Could you please tell me exactly which of the many different travel insurance options that the " +
            "company offers to employees who travel to conferences abroad for more than two weeks covers medical " +
            "evacuation and also lost luggage and also cancelled flights?";

        var query = Condenser(16).Condense(message);

        Assert.InRange(Tokens.CountTokens(query), 1, 16);
        Assert.StartsWith("exactly different travel insurance", query, StringComparison.Ordinal);
        Assert.DoesNotContain(" the ", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Condense_SameInput_SameOutput()
    {
        var condenser = Condenser();

        Assert.Equal(condenser.Condense(LongMessage), Condenser().Condense(LongMessage));
        Assert.Equal(condenser.Condense(LongMessage), condenser.Condense(LongMessage));
    }

    [Fact]
    public async Task CondenseAsync_SameAsCondense()
    {
        var condenser = Condenser();

        Assert.Equal(condenser.Condense(LongMessage), await condenser.CondenseAsync(LongMessage, default));
    }
}
