using Verity.Core.Generation;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Tests;

public sealed class CitationCheckerTests
{
    private static SearchResult Source(string documentId, string text, string title = "", string headingPath = "") =>
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

    // Content words: "fact" in the first, "another" and "fact" in the second.
    private static readonly SearchResult[] TwoSources =
    [
        Source("doc-a", "A fact worth stating."),
        Source("doc-b", "Another fact entirely."),
    ];

    [Fact]
    public void Check_TwoSentencesEachCited_CountsBothCitedAndSupported()
    {
        // "A fact." → {fact} ⊂ source 1; "Another fact." → {another, fact} ⊂ source 2.
        var report = CitationChecker.Check("A fact. [1] Another fact. [2]", TwoSources);

        Assert.Equal([1, 2], report.Cited);
        Assert.Equal(2, report.Sentences);
        Assert.Equal(2, report.CitedSentences);
        Assert.Equal(2, report.SupportedSentences);
        Assert.Equal(0, report.InvalidCitations);
        Assert.Equal(1.0, report.SupportedShare);
    }

    [Fact]
    public void Check_MarkersOutOfRange_AreInvalidAndNotCited()
    {
        // [0] and [9] point to no source when there are 2: both invalid, neither sentence cited.
        var report = CitationChecker.Check("A fact. [0] Another fact. [9]", TwoSources);

        Assert.Equal(2, report.InvalidCitations);
        Assert.Empty(report.Cited);
        Assert.Equal(2, report.Sentences);
        Assert.Equal(0, report.CitedSentences);
        Assert.Equal(0, report.SupportedSentences);
        Assert.Equal(0.0, report.SupportedShare);
    }

    [Fact]
    public void Check_ValidAndInvalidMarkerTogether_CountsEachOnce()
    {
        var report = CitationChecker.Check("A fact. [1][3]", TwoSources);

        Assert.Equal(1, report.InvalidCitations);
        Assert.Equal([1], report.Cited);
        Assert.Equal(1, report.CitedSentences);
        Assert.Equal(1, report.SupportedSentences);
    }

    [Fact]
    public void Check_TrailingSentenceWithoutMarker_IsUncitedAndUnsupported()
    {
        // 2 sentences, the second with no marker after it: 1 cited, 1 supported → share 1/2.
        var report = CitationChecker.Check("A fact. [1] Another fact stands alone.", TwoSources);

        Assert.Equal(2, report.Sentences);
        Assert.Equal(1, report.CitedSentences);
        Assert.Equal(1, report.SupportedSentences);
        Assert.Equal(0.5, report.SupportedShare);
    }

    [Fact]
    public void Check_NoMarkersAtAll_NothingCitedOrSupported()
    {
        var report = CitationChecker.Check("A fact. Another fact.", TwoSources);

        Assert.Equal(2, report.Sentences);
        Assert.Equal(0, report.CitedSentences);
        Assert.Equal(0, report.SupportedSentences);
        Assert.Empty(report.Cited);
    }

    [Fact]
    public void Check_CitedSentenceWithWordsMissingFromChunk_IsUnsupported()
    {
        // {photosynthesis, convert, sunlight} against {fact, worth, stat}: 0 of 3 < 0.6 × 3.
        var report = CitationChecker.Check("Photosynthesis converts sunlight. [1]", TwoSources);

        Assert.Equal(1, report.Sentences);
        Assert.Equal(1, report.CitedSentences);
        Assert.Equal(0, report.SupportedSentences);
        Assert.Equal([1], report.Cited);
    }

    [Fact]
    public void Check_SentenceCitingTheWrongSource_IsUnsupported()
    {
        // "Another fact." cites source 1, which lacks "another": 1 of 2 terms = 0.5 < 0.6.
        var report = CitationChecker.Check("Another fact. [1]", TwoSources);

        Assert.Equal(1, report.CitedSentences);
        Assert.Equal(0, report.SupportedSentences);
    }

    [Fact]
    public void Check_SupportThreshold_IsShareOfDistinctContentWords()
    {
        // Sentence terms {copper, zinc, tin, lead, nickel} (5). The chunk has 3 → 3 ≥ 0.6 × 5 = 3 → supported;
        // 2 → 2 < 3 → not supported.
        const string sentence = "Copper, zinc, tin, lead and nickel. [1]";
        SearchResult[] three = [Source("metals", "Copper and zinc and tin.")];
        SearchResult[] two = [Source("metals", "Copper and zinc.")];

        Assert.Equal(1, CitationChecker.Check(sentence, three).SupportedSentences);
        Assert.Equal(0, CitationChecker.Check(sentence, two).SupportedSentences);
        Assert.Equal(1, CitationChecker.Check(sentence, two, minSupport: 0.4).SupportedSentences);
    }

    [Fact]
    public void Check_TitleAndHeadingOfCitedChunk_CountAsEvidence()
    {
        // {reactor, coolant} come from the title and heading, not the chunk text.
        SearchResult[] sources = [Source("plant", "It is checked daily.", title: "Reactor", headingPath: "Coolant")];

        var report = CitationChecker.Check("Reactor coolant. [1]", sources);

        Assert.Equal(1, report.SupportedSentences);
    }

    [Fact]
    public void Check_MultipleMarkersOnOneSentence_PoolEvidenceOfAllCitedChunks()
    {
        // Terms {copper, conduct, heat, electricity}: source 1 has {copper, conduct} (2/4 < 0.6), source 2 has
        // {heat, electricity} (2/4); cited together they have 4/4.
        SearchResult[] sources = [Source("a", "Copper conducts."), Source("b", "Heat and electricity.")];

        var both = CitationChecker.Check("Copper conducts heat and electricity. [1][2]", sources);
        var spaced = CitationChecker.Check("Copper conducts heat and electricity. [1] [2]", sources);
        var onlyFirst = CitationChecker.Check("Copper conducts heat and electricity. [1]", sources);

        Assert.Equal(1, both.Sentences);
        Assert.Equal(1, both.CitedSentences);
        Assert.Equal(1, both.SupportedSentences);
        Assert.Equal([1, 2], both.Cited);
        Assert.Equal(1, spaced.SupportedSentences);
        Assert.Equal([1, 2], spaced.Cited);
        Assert.Equal(0, onlyFirst.SupportedSentences);
    }

    [Fact]
    public void Check_MarkersBeforeTheFullStop_CiteTheirOwnSentence()
    {
        // The style many models write: "claim [n]." rather than "claim. [n]".
        var report = CitationChecker.Check("A fact [1]. Another fact [2].", TwoSources);

        Assert.Equal(2, report.Sentences);
        Assert.Equal(2, report.CitedSentences);
        Assert.Equal(2, report.SupportedSentences);
        Assert.Equal([1, 2], report.Cited);
    }

    [Fact]
    public void Check_SourcesCitedRepeatedly_ListedOnceInFirstUseOrder()
    {
        var report = CitationChecker.Check("Another fact. [2] A fact. [1] Another fact again. [2]", TwoSources);

        Assert.Equal([2, 1], report.Cited);
        Assert.Equal(3, report.CitedSentences);
    }

    [Fact]
    public void Check_OneMarkerAfterSeveralSentences_CitesTheWholeSegment()
    {
        // A group of markers cites all the text since the previous group.
        var report = CitationChecker.Check("A fact. Another fact. [2]", TwoSources);

        Assert.Equal(2, report.Sentences);
        Assert.Equal(2, report.CitedSentences);
        Assert.Equal(2, report.SupportedSentences);
    }

    [Fact]
    public void Check_SentenceWithOnlyStopWords_IsNotCounted()
    {
        var report = CitationChecker.Check("It is so. [1] A fact. [1]", TwoSources);

        Assert.Equal(1, report.Sentences);
        Assert.Equal(1, report.SupportedSentences);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1]")]
    public void Check_EmptyAnswer_HasNoSentencesAndFullSupportedShare(string answer)
    {
        var report = CitationChecker.Check(answer, TwoSources);

        Assert.Equal(0, report.Sentences);
        Assert.Equal(0, report.SupportedSentences);
        Assert.Equal(1.0, report.SupportedShare);
    }

    [Fact]
    public void Check_NoSources_EveryMarkerIsInvalid()
    {
        var report = CitationChecker.Check("A fact. [1] Another fact. [2]", []);

        Assert.Equal(2, report.InvalidCitations);
        Assert.Equal(0, report.CitedSentences);
        Assert.Empty(report.Cited);
    }

    [Fact]
    public void Check_InvalidMarkers_ListedOnceInFirstUseOrder()
    {
        var report = CitationChecker.Check("A fact. [9] Another fact. [0][9][2] More. [12]", TwoSources);

        Assert.Equal([9, 0, 12], report.InvalidNumbers);
        Assert.Equal(4, report.InvalidCitations);
        Assert.Equal([2], report.Cited);
    }

    [Fact]
    public void Check_CitedShare_IsTheShareOfSentencesWithAValidMarker()
    {
        // 4 sentences: "A fact." cites [1]; "Another fact." only the invalid [9]; "Fact again. Another fact." are
        // both cited by the [2] after them → 3 of 4.
        var report = CitationChecker.Check("A fact. [1] Another fact. [9] Fact again. Another fact. [2]", TwoSources);

        Assert.Equal(4, report.Sentences);
        Assert.Equal(3, report.CitedSentences);
        Assert.Equal(0.75, report.CitedShare);
    }

    [Fact]
    public void Check_NoSentences_CitedShareIsOne() =>
        Assert.Equal(1.0, CitationChecker.Check("[1]", TwoSources).CitedShare);

    [Fact]
    public void Check_NonAsciiDigitsInBrackets_AreNotMarkers()
    {
        // Arabic-Indic digits are \d to .NET regular expressions but no source number.
        var report = CitationChecker.Check("A fact. [\u0661]", TwoSources);

        Assert.Equal(0, report.InvalidCitations);
        Assert.Equal(0, report.CitedSentences);
    }
}
