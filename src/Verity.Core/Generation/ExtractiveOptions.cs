using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Generation;

public sealed class ExtractiveOptions
{
    [Range(1, 20)]
    public int MaxSentences { get; set; } = 3;

    /// <summary>How many of the top sources sentences are taken from.</summary>
    [Range(1, 50)]
    public int MaxSources { get; set; } = 5;

    /// <summary>Share (weighted) of the question's content terms a source must contain to count as evidence;
    /// below it for every source, the answer is "I don't know".</summary>
    [Range(0.0, 1.0)]
    public double MinCoverage { get; set; } = 0.6;

    public string NoAnswerText { get; set; } =
        "I don't know. The documents I can search do not contain enough evidence to answer this question.";
}
