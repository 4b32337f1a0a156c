using Verity.Evaluation.Answers;

namespace Verity.Evaluation.Tests;

public sealed class OffTopicQuestionsTests
{
    // 5 question frames × 15 everyday subjects.
    private const int All = 75;

    [Fact]
    public void Generate_SameSeed_IsDeterministic()
    {
        Assert.Equal(OffTopicQuestions.Generate(30), OffTopicQuestions.Generate(30));
        Assert.Equal(OffTopicQuestions.Generate(20, seed: 7), OffTopicQuestions.Generate(20, seed: 7));
    }

    [Fact]
    public void Generate_SmallerCount_IsPrefixOfLargerCount()
    {
        Assert.Equal(OffTopicQuestions.Generate(30).Take(10), OffTopicQuestions.Generate(10));
    }

    [Fact]
    public void Generate_DifferentSeeds_DrawDifferentQuestions()
    {
        Assert.NotEqual(OffTopicQuestions.Generate(30, seed: 1), OffTopicQuestions.Generate(30, seed: 2));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(30, 30)]
    [InlineData(All, All)]
    [InlineData(500, All)]
    public void Generate_Count_IsHonouredUpToAllCombinations(int count, int expected)
    {
        Assert.Equal(expected, OffTopicQuestions.Generate(count).Count);
    }

    [Fact]
    public void Generate_AllCombinations_AreDistinctQuestions()
    {
        var questions = OffTopicQuestions.Generate(All);

        Assert.Equal(All, questions.Distinct(StringComparer.Ordinal).Count());
        Assert.All(questions, q => Assert.EndsWith("?", q, StringComparison.Ordinal));
        Assert.All(questions, q => Assert.DoesNotContain("{0}", q, StringComparison.Ordinal));
    }
}
