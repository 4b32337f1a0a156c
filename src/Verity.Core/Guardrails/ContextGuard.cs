using Verity.Core.Retrieval;

namespace Verity.Core.Guardrails;

/// <summary>An injection finding in a retrieved source; <see cref="Field"/> says which part of the chunk
/// (<c>text</c>, <c>title</c> or <c>heading_path</c>) the span refers to.</summary>
public sealed record SourceFinding(string Field, string RuleId, string Description, int Index, int Length);

/// <summary>A source in which injection was found. <see cref="Position"/> is its 1-based position in the list
/// that was filtered; <see cref="Excluded"/> is false when the options only report.</summary>
public sealed record FlaggedSource(int Position, string ChunkId, string DocumentId, bool Excluded, IReadOnlyList<SourceFinding> Findings)
{
    public IReadOnlyList<string> RuleIds => [.. Findings.Select(f => f.RuleId).Distinct(StringComparer.Ordinal)];
}

/// <param name="Kept">The sources to hand to the generator, in their original order. Citation numbers refer to
/// positions in this list.</param>
/// <param name="Flagged">The sources with findings, excluded or not.</param>
public sealed record ContextFilterResult(IReadOnlyList<SearchResult> Kept, IReadOnlyList<FlaggedSource> Flagged)
{
    public int ExcludedCount => Flagged.Count(f => f.Excluded);
}

/// <summary>
/// Screens retrieved chunks for indirect prompt injection: instructions planted in a document so that a model
/// reading it as context would obey them. Title and heading path are screened too, since generators put them in
/// the prompt beside the text.
/// </summary>
public static class ContextGuard
{
    public const string TextField = "text";
    public const string TitleField = "title";
    public const string HeadingPathField = "heading_path";

    public static ContextFilterResult Filter(IReadOnlyList<SearchResult> sources, GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        var detector = PromptInjectionDetector.For(options);
        var kept = new List<SearchResult>(sources.Count);
        var flagged = new List<FlaggedSource>();

        // Chunks of one document share a title; scan it once.
        var titles = new Dictionary<string, IReadOnlyList<InjectionFinding>>(StringComparer.Ordinal);

        for (var i = 0; i < sources.Count; i++)
        {
            var chunk = sources[i].Chunk;
            if (!titles.TryGetValue(chunk.DocumentTitle, out var titleFindings))
            {
                titleFindings = detector.Scan(chunk.DocumentTitle);
                titles[chunk.DocumentTitle] = titleFindings;
            }

            var findings = new List<SourceFinding>();
            // The generator reads the parent passage when there is one, so that is what must be clean.
            Add(findings, TextField, detector.Scan(chunk.Context));
            Add(findings, TitleField, titleFindings);
            Add(findings, HeadingPathField, detector.Scan(chunk.HeadingPath));

            if (findings.Count == 0)
            {
                kept.Add(sources[i]);
                continue;
            }

            if (!options.ExcludeFlaggedChunks)
            {
                kept.Add(sources[i]);
            }

            flagged.Add(new FlaggedSource(i + 1, chunk.Id, chunk.DocumentId, options.ExcludeFlaggedChunks, findings));
        }

        return new ContextFilterResult(kept, flagged);
    }

    private static void Add(List<SourceFinding> into, string field, IReadOnlyList<InjectionFinding> findings)
    {
        foreach (var f in findings)
        {
            into.Add(new SourceFinding(field, f.RuleId, f.Description, f.Index, f.Length));
        }
    }
}
