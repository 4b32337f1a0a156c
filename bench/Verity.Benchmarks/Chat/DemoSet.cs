using System.Text.Json;

namespace Verity.Benchmarks.Chat;

/// <summary>The shipped demo: its corpus folder and the questions of <c>demo/questions.jsonl</c> (one JSON object a
/// line with a <c>question</c> string, as <c>DemoCorpusTests</c> and the load generator read it).</summary>
internal sealed record DemoSet(string CorpusDirectory, string QuestionsPath, IReadOnlyList<string> Questions)
{
    /// <summary>The demo of the checkout the benchmark runs from (the folder above <see cref="RepositoryPaths.Results"/>).</summary>
    public static DemoSet Load(int questions)
    {
        var root = Path.GetFullPath(Path.Combine(RepositoryPaths.Results(), "..", ".."));
        var corpus = Path.Combine(root, "demo", "corpus");
        var path = Path.Combine(root, "demo", "questions.jsonl");
        if (!Directory.Exists(corpus) || !File.Exists(path))
        {
            throw new ArgumentException($"The demo corpus and questions were not found under {root}: run the benchmark from inside the repository.");
        }

        var all = File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.GetProperty("question").GetString()
                    ?? throw new InvalidOperationException($"{path}: a line has a null question.");
            })
            .ToList();
        if (questions > all.Count)
        {
            throw new ArgumentException($"--questions {questions}: {path} holds only {all.Count}.");
        }

        return new DemoSet(corpus, path, all.Take(questions).ToList());
    }
}
