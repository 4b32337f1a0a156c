namespace Verity.Evaluation.Answers;

/// <summary>Questions no document corpus about work, science or software should answer: everyday subjects put in
/// everyday question frames, drawn with a fixed seed so every run asks the same ones.</summary>
public static class OffTopicQuestions
{
    private static readonly string[] Frames =
    [
        "How do I {0}?",
        "What is the best way to {0}?",
        "Can you explain how to {0}?",
        "What should I know before I {0}?",
        "Why is it hard to {0}?",
    ];

    private static readonly string[] Subjects =
    [
        "bake sourdough bread with a crisp crust",
        "tune a six-string guitar by ear",
        "knit a wool scarf for a beginner",
        "train a puppy to stop barking at night",
        "grow tomatoes on a windy balcony",
        "win at chess with the Sicilian defence",
        "paddle a kayak across a lake",
        "choose running shoes for a marathon",
        "make fresh pasta without a machine",
        "paint a watercolour sunset",
        "plan a road trip through Patagonia",
        "learn to juggle five balls",
        "brew green tea at the right temperature",
        "fold an origami crane",
        "care for an orchid in winter",
    ];

    public static IReadOnlyList<string> Generate(int count, int seed = 20261124)
    {
        var all = Frames.SelectMany(frame => Subjects.Select(subject => string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, subject))).ToList();
        var random = new Random(seed);
        return all.OrderBy(_ => random.Next()).Take(Math.Min(count, all.Count)).ToList();
    }
}
