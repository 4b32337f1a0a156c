using Verity.Core.Routing;
using Verity.Core.Text;

namespace Verity.Core.Tests.Routing;

public sealed class QueryRouterTests
{
    private static readonly TiktokenTokenCounter Tokens = new();

    private static QueryRouter Router(RoutingOptions? options = null) => new(options ?? new RoutingOptions(), Tokens);

    [Theory]
    [InlineData("hi", SmallTalkIntent.Greeting)]
    [InlineData("Hello!", SmallTalkIntent.Greeting)]
    [InlineData("hi there", SmallTalkIntent.Greeting)]
    [InlineData("Hey Verity 👋", SmallTalkIntent.Greeting)]
    [InlineData("good morning", SmallTalkIntent.Greeting)]
    [InlineData("Good evening, team!", SmallTalkIntent.Greeting)]
    [InlineData("hiii :)", SmallTalkIntent.Greeting)]
    [InlineData("How are you doing today?", SmallTalkIntent.Greeting)]
    [InlineData("what's up?", SmallTalkIntent.Greeting)]
    [InlineData("ＨＥＬＬＯ", SmallTalkIntent.Greeting)]
    [InlineData("thanks a lot!", SmallTalkIntent.Thanks)]
    [InlineData("Thank you so much for your help.", SmallTalkIntent.Thanks)]
    [InlineData("thx", SmallTalkIntent.Thanks)]
    [InlineData("OK, thanks!", SmallTalkIntent.Thanks)]
    [InlineData("got it, thanks 🙏", SmallTalkIntent.Thanks)]
    [InlineData("That was really helpful", SmallTalkIntent.Thanks)]
    [InlineData("bye", SmallTalkIntent.Goodbye)]
    [InlineData("See you later!", SmallTalkIntent.Goodbye)]
    [InlineData("have a nice day", SmallTalkIntent.Goodbye)]
    [InlineData("Thanks, bye!", SmallTalkIntent.Goodbye)]
    [InlineData("ok great", SmallTalkIntent.Acknowledgement)]
    [InlineData("cool 👍", SmallTalkIntent.Acknowledgement)]
    [InlineData("Makes sense.", SmallTalkIntent.Acknowledgement)]
    [InlineData("yes", SmallTalkIntent.Acknowledgement)]
    [InlineData("who are you?", SmallTalkIntent.Identity)]
    [InlineData("Are you a bot?", SmallTalkIntent.Identity)]
    [InlineData("what’s your name", SmallTalkIntent.Identity)]
    [InlineData("what can you do?", SmallTalkIntent.Capabilities)]
    [InlineData("help", SmallTalkIntent.Capabilities)]
    [InlineData("Help me please!", SmallTalkIntent.Capabilities)]
    [InlineData("hi! what can you do?", SmallTalkIntent.Capabilities)]
    [InlineData("Hey, who are you?", SmallTalkIntent.Identity)]
    [InlineData("How can you help me?", SmallTalkIntent.Capabilities)]
    [InlineData("👍", SmallTalkIntent.Capabilities)]
    public void Route_WholeMessageIsSmallTalk_AnsweredWithoutSearch(string message, SmallTalkIntent intent)
    {
        var route = Router().Route(message);

        Assert.Equal(RouteKind.SmallTalk, route.Kind);
        Assert.Equal(intent, route.Intent);
        Assert.False(string.IsNullOrWhiteSpace(route.Reply));
    }

    [Theory]
    [InlineData("hi, how do I reset my password?")]
    [InlineData("Hello, where is the VPN guide?")]
    [InlineData("thanks! and what about the travel policy?")]
    [InlineData("good morning, what is the refund policy")]
    [InlineData("help me reset my password")]
    [InlineData("help desk phone number")]
    [InlineData("what can you do about expense reports")]
    [InlineData("who are you supposed to contact for payroll questions")]
    [InlineData("ok so how many vacation days do I get")]
    [InlineData("what is this document about")]
    [InlineData("hello world example in the SDK")]
    [InlineData("Great Lakes office address")]
    [InlineData("bye-laws of the company")]
    [InlineData("Thank you letter template")]
    [InlineData("how are you supposed to file expenses")]
    [InlineData("yes or no: is remote work allowed?")]
    [InlineData("VPN")]
    [InlineData("error 809")]
    [InlineData("hi 2")]
    [InlineData("so")]
    [InlineData("you there")]
    [InlineData("Nice to meet you. What is our parental leave policy?")]
    public void Route_QuestionThatOnlyStartsLikeSmallTalk_Retrieves(string message) =>
        Assert.Equal(RouteKind.Retrieve, Router().Route(message).Kind);

    [Fact]
    public void Route_SmallTalkReplies_SayWhatVerityDoes()
    {
        var router = Router();

        foreach (var message in new[] { "hi", "who are you", "what can you do" })
        {
            Assert.Contains("documents", router.Route(message).Reply, StringComparison.Ordinal);
        }

        Assert.Contains("cit", router.Route("who are you").Reply, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_SmallTalkDisabled_EverythingRetrieves()
    {
        var router = Router(new RoutingOptions
        {
            SmallTalk = false,
            SmallTalkPatterns = [new SmallTalkPattern { Pattern = "wifi password", Reply = "Ask reception." }],
        });

        Assert.Equal(RouteKind.Retrieve, router.Route("hi").Kind);
        Assert.Equal(RouteKind.Retrieve, router.Route("wifi password").Kind);
    }

    [Fact]
    public void Route_ConfiguredPattern_MatchesWholeSimplifiedMessageOnly()
    {
        var router = Router(new RoutingOptions
        {
            SmallTalkPatterns = [new SmallTalkPattern { Pattern = "(what is|whats) the wifi password", Reply = "Ask reception." }],
        });

        var route = router.Route("What's the wifi password?");

        Assert.Equal(new QueryRoute(RouteKind.SmallTalk, "Ask reception.", SmallTalkIntent.Custom), route);
        Assert.Equal(RouteKind.Retrieve, router.Route("what is the wifi password policy for guests").Kind);
    }

    [Fact]
    public void Route_ConfiguredReply_ReplacesBuiltIn()
    {
        var router = Router(new RoutingOptions
        {
            SmallTalkReplies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["greeting"] = "Hi from HR." },
        });

        Assert.Equal("Hi from HR.", router.Route("hello").Reply);
        Assert.NotEqual("Hi from HR.", router.Route("thanks").Reply);
    }

    [Fact]
    public void Constructor_InvalidConfiguration_ThrowsNamingTheSetting()
    {
        var badPattern = Assert.Throws<ArgumentException>(() => Router(new RoutingOptions
        {
            SmallTalkPatterns = [new SmallTalkPattern { Pattern = "(unclosed", Reply = "x" }],
        }));
        var badIntent = Assert.Throws<ArgumentException>(() => Router(new RoutingOptions
        {
            SmallTalkReplies = new Dictionary<string, string> { ["Greetings"] = "x" },
        }));

        Assert.Contains("SmallTalkPatterns:0:Pattern", badPattern.Message, StringComparison.Ordinal);
        Assert.Contains("Greetings", badIntent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_LongMessage_Condense_ShortOne_Retrieve()
    {
        var router = Router(new RoutingOptions { CondenseAboveTokens = 20 });
        var shortQuestion = "How do I rotate the VPN certificates?";
        var longQuestion = "Our team moved to the new office last week and since then the VPN client keeps dropping " +
            "with error 809 every few minutes. How do I fix the VPN connection?";
        Assert.InRange(Tokens.CountTokens(shortQuestion), 1, 20);
        Assert.True(Tokens.CountTokens(longQuestion) > 20);

        Assert.Equal(RouteKind.Retrieve, router.Route(shortQuestion).Kind);
        Assert.Equal(RouteKind.Condense, router.Route(longQuestion).Kind);
        Assert.Null(router.Route(longQuestion).Reply);
    }

    [Fact]
    public void Route_DefaultThreshold_SixtyFourTokens()
    {
        var router = Router();
        var words = string.Join(' ', Enumerable.Repeat("policy", 64));
        Assert.Equal(64, Tokens.CountTokens(words));

        Assert.Equal(RouteKind.Retrieve, router.Route(words).Kind);
        Assert.Equal(RouteKind.Condense, router.Route(words + " policy").Kind);
    }
}
