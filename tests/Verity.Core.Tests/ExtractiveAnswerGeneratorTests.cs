using System.Text.RegularExpressions;
using Verity.Core.Generation;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Tests;

public sealed partial class ExtractiveAnswerGeneratorTests
{
    private const string VpnAnswer = "If the client shows error 809, restart the network adapter and reconnect.";

    private static readonly SearchResult Kitchen = Source("kb/kitchen", "Kitchen rules", "Coffee",
        "The coffee machine on floor 3 is descaled every Friday. Please rinse your mug after use.");

    private static readonly SearchResult Parking = Source("kb/parking", "Parking", "Visitors",
        "Visitor parking spaces are in the north lot. Ask reception for a parking badge before noon.");

    private static readonly SearchResult Vpn = Source("kb/vpn", "VPN access", "Troubleshooting",
        $"{VpnAnswer} The VPN gateway certificates are rotated every 90 days by the security team. " +
        "Contact the service desk when the problem persists.");

    private static SearchResult Source(string documentId, string title, string headingPath, string text) =>
        new(
            new IndexedChunk
            {
                Id = IndexedChunk.MakeId(documentId, 0),
                DocumentId = documentId,
                DocumentTitle = title,
                Ordinal = 0,
                Text = text,
                HeadingPath = headingPath,
            },
            0.03,
            text,
            1,
            1);

    private static Task<GeneratedAnswer> Answer(string question, IReadOnlyList<SearchResult> sources, ExtractiveOptions? options = null) =>
        new ExtractiveAnswerGenerator(options ?? new ExtractiveOptions()).GenerateAsync(question, sources, CancellationToken.None);

    private static List<int> Markers(string text) =>
        Marker().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task GenerateAsync_AnswerInThirdSource_QuotesSentenceWithMarker3()
    {
        var answer = await Answer("Which error does the VPN client show before restarting the network adapter?", [Kitchen, Parking, Vpn]);

        Assert.True(answer.Grounded);
        Assert.StartsWith(VpnAnswer + " [3]", answer.Text, StringComparison.Ordinal);
        Assert.Equal([3], answer.Citations);
        Assert.Equal("extractive", answer.Generator);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task GenerateAsync_SupportingSourceAtAnyPosition_MarkerIsItsOneBasedIndex(int position)
    {
        var sources = new List<SearchResult> { Kitchen, Parking };
        sources.Insert(position, Vpn);

        var answer = await Answer("Which error does the VPN client show?", sources);

        Assert.True(answer.Grounded);
        Assert.Contains($"{VpnAnswer} [{position + 1}]", answer.Text, StringComparison.Ordinal);
        Assert.Equal([position + 1], answer.Citations);
        Assert.Equal(answer.Citations, Markers(answer.Text).Distinct());
    }

    [Fact]
    public async Task GenerateAsync_OffTopicQuestion_SaysItDoesNotKnowWithoutCitations()
    {
        var options = new ExtractiveOptions();

        var answer = await Answer("What is the capital of France?", [Kitchen, Parking, Vpn], options);

        Assert.False(answer.Grounded);
        Assert.Empty(answer.Citations);
        Assert.Equal(options.NoAnswerText, answer.Text);
        Assert.Empty(Markers(answer.Text));
    }

    [Fact]
    public async Task GenerateAsync_NoSources_SaysItDoesNotKnow()
    {
        var answer = await Answer("Which error does the VPN client show?", []);

        Assert.False(answer.Grounded);
        Assert.Empty(answer.Citations);
        Assert.StartsWith("I don't know", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("What is it?")]
    [InlineData("?!")]
    public async Task GenerateAsync_QuestionWithoutContentWords_SaysItDoesNotKnow(string question)
    {
        var answer = await Answer(question, [Vpn]);

        Assert.False(answer.Grounded);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public async Task GenerateAsync_CustomNoAnswerText_IsUsed()
    {
        var answer = await Answer("What is the capital of France?", [Kitchen], new ExtractiveOptions { NoAnswerText = "No idea." });

        Assert.Equal("No idea.", answer.Text);
    }

    [Fact]
    public async Task GenerateAsync_SourceSharingOnlyACommonWord_IsNotCited()
    {
        var mugs = Source("kb/office", "Office", "Kitchen", "Mugs on the kitchen shelf are rotated every week by the office team.");

        var answer = await Answer("How often are the VPN gateway certificates rotated?", [mugs, Vpn]);

        Assert.True(answer.Grounded);
        Assert.Equal([2], answer.Citations);
        Assert.Contains("The VPN gateway certificates are rotated every 90 days by the security team. [2]", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Mugs", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_OnlySourceSharesACommonWord_SaysItDoesNotKnow()
    {
        var mugs = Source("kb/office", "Office", "Kitchen", "Mugs on the kitchen shelf are rotated every week by the office team.");

        var answer = await Answer("How often are the VPN gateway certificates rotated?", [mugs, Kitchen, Parking]);

        Assert.False(answer.Grounded);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public async Task GenerateAsync_SentencesWithoutQuestionTerms_AreNotStitchedIn()
    {
        var answer = await Answer("How often are the VPN gateway certificates rotated?", [Vpn]);

        Assert.DoesNotContain("service desk", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("error 809", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_QuestionUsesAnotherInflection_StillFindsTheSentence()
    {
        var answer = await Answer("How do I rotate the certificates?", [Kitchen, Vpn]);

        Assert.True(answer.Grounded);
        Assert.Contains("certificates are rotated every 90 days", answer.Text, StringComparison.Ordinal);
        Assert.Equal([2], answer.Citations);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task GenerateAsync_MaxSentences_IsRespected(int maxSentences)
    {
        var backups = Source("kb/backups", "Backups", "Database backups",
            "Database backups run nightly at 02:00 UTC. Database backups are kept for 30 days. " +
            "Database backups are encrypted with the backup key. Database backups are copied to a second region.");

        var answer = await Answer("How are database backups handled?", [backups], new ExtractiveOptions { MaxSentences = maxSentences });

        Assert.True(answer.Grounded);
        Assert.Equal(maxSentences, Markers(answer.Text).Count);
        Assert.Equal(maxSentences, Regex.Count(answer.Text, "Database backups"));
    }

    [Fact]
    public async Task GenerateAsync_NearDuplicateSentencesInTwoSources_QuotesOnlyOne()
    {
        var first = Source("kb/backups", "Backups", "Schedule", "Database backups run nightly at 02:00 UTC in the primary region.");
        var copy = Source("kb/backups-old", "Backups (old)", "Schedule", "Database backups run nightly at 02:00 UTC in the primary region!");

        var answer = await Answer("When do the database backups run?", [first, copy]);

        Assert.True(answer.Grounded);
        Assert.Equal(1, Regex.Count(answer.Text, "run nightly"));
        Assert.Single(answer.Citations);
    }

    [Fact]
    public async Task GenerateAsync_AnswerFromSeveralSources_CitationsMatchMarkersInFirstUseOrder()
    {
        var schedule = Source("kb/backups", "Backups", "Schedule", "Database backups run nightly at 02:00 UTC.");
        var retention = Source("kb/retention", "Retention", "Backups", "Database backups are kept for 30 days.");

        var answer = await Answer("How are database backups handled?", [schedule, Kitchen, retention]);

        Assert.True(answer.Grounded);
        var markers = Markers(answer.Text);
        Assert.Equal(markers.Distinct(), answer.Citations);
        Assert.Equal([1, 3], answer.Citations.Order());
        Assert.Contains("Database backups run nightly at 02:00 UTC. [1]", answer.Text, StringComparison.Ordinal);
        Assert.Contains("Database backups are kept for 30 days. [3]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_AnswerBeyondMaxSources_IsNotUsed()
    {
        var answer = await Answer("Which error does the VPN client show?", [Kitchen, Parking, Vpn], new ExtractiveOptions { MaxSources = 2 });

        Assert.False(answer.Grounded);
    }

    [Fact]
    public async Task GenerateAsync_SentenceWithoutFinalPunctuation_GetsAFullStopBeforeItsMarker()
    {
        var list = Source("kb/oncall", "On-call", "Paging", "- On-call engineers acknowledge a page within 5 minutes");

        var answer = await Answer("How soon must on-call engineers acknowledge a page?", [list]);

        Assert.True(answer.Grounded);
        Assert.Equal("On-call engineers acknowledge a page within 5 minutes. [1]", answer.Text);
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();
}
