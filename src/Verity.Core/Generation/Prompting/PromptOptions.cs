using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Generation.Prompting;

/// <summary>Where the sources go in the prompt; their numbers never change, only their placement.</summary>
public enum SourceOrdering
{
    /// <summary>Best sources at the start and at the end (1, 3, 5, …, 6, 4, 2): models read the edges of a long
    /// context more reliably than its middle.</summary>
    EdgesFirst,

    /// <summary>In rank order, best first.</summary>
    Relevance,
}

/// <summary>How prompts are assembled: which template, how many tokens of sources, in which order, and how
/// overlapping sources are pruned. Bound from <c>Verity:Prompt</c>.</summary>
public sealed class PromptOptions : IValidatableObject
{
    public const string SectionName = "Verity:Prompt";
    public const int MinContextTokens = 256;
    public const int MaxContextTokens = 1_000_000;

    /// <summary>Name of the template to use: a built-in one (<see cref="BuiltInPromptTemplates"/>) or one of
    /// <see cref="Templates"/>.</summary>
    public string Template { get; set; } = BuiltInPromptTemplates.Grounded;

    /// <summary>User-defined templates by name, merged over the built-ins (same name replaces).</summary>
    public Dictionary<string, PromptTemplate> Templates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Token budget for the rendered source blocks of one prompt.</summary>
    public int ContextTokens { get; set; } = 3000;

    public SourceOrdering Ordering { get; set; } = SourceOrdering.EdgesFirst;

    /// <summary>Share of a source's word trigrams already present in one earlier-ranked source above which it is
    /// dropped as a duplicate.</summary>
    public double DuplicateThreshold { get; set; } = 0.8;

    /// <summary>What the template tells the model to answer when the sources do not contain the answer.</summary>
    public string NoAnswerText { get; set; } = "I don't know based on the documents I can search.";

    /// <summary>Built-in templates with the configured ones merged over them.</summary>
    public IReadOnlyDictionary<string, PromptTemplate> AllTemplates()
    {
        var all = new Dictionary<string, PromptTemplate>(BuiltInPromptTemplates.All, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, template) in Templates ?? [])
        {
            all[name] = template;
        }

        return all;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every problem, each with what to change.</summary>
    public void Validate()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Problems().Select(p => new ValidationResult(p));

    private IEnumerable<string> Problems()
    {
        var all = AllTemplates();
        if (string.IsNullOrWhiteSpace(Template))
        {
            yield return $"{SectionName}:Template is empty: name a template ({string.Join(", ", all.Keys)}).";
        }
        else if (!all.ContainsKey(Template))
        {
            yield return $"{SectionName}:Template '{Template}' is not a known template: use one of "
                + $"{string.Join(", ", all.Keys)}, or define it under {SectionName}:Templates:{Template} with Version, System and User.";
        }

        foreach (var (name, template) in Templates ?? [])
        {
            foreach (var problem in TemplateProblems(name, template))
            {
                yield return problem;
            }
        }

        if (ContextTokens is < MinContextTokens or > MaxContextTokens)
        {
            yield return $"{SectionName}:ContextTokens is {ContextTokens}: it must be between {MinContextTokens} and "
                + $"{MaxContextTokens} (tokens of sources per prompt; keep it below the model's context window minus the answer).";
        }

        if (!Enum.IsDefined(Ordering))
        {
            yield return $"{SectionName}:Ordering must be EdgesFirst or Relevance.";
        }

        if (double.IsNaN(DuplicateThreshold) || DuplicateThreshold is <= 0 or > 1)
        {
            yield return $"{SectionName}:DuplicateThreshold is {DuplicateThreshold}: it must be above 0 and at most 1 "
                + "(the share of a source already covered by a better one at which it is dropped; 1 drops only exact copies).";
        }

        if (string.IsNullOrWhiteSpace(NoAnswerText))
        {
            yield return $"{SectionName}:NoAnswerText is empty: set the sentence the model must answer when the sources do not contain the answer.";
        }
    }

    private static IEnumerable<string> TemplateProblems(string name, PromptTemplate? template)
    {
        var key = $"{SectionName}:Templates:{name}";
        if (template is null)
        {
            yield return $"{key} is empty: give it Version, System and User.";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(template.Version))
        {
            yield return $"{key}:Version is empty: set one (e.g. \"1\") and change it whenever the text changes, "
                + "so that answers cached for the old text are not served.";
        }

        var text = template.System + "\n" + template.User;
        foreach (var placeholder in (string[])["{sources}", "{question}"])
        {
            if (!text.Contains(placeholder, StringComparison.Ordinal))
            {
                yield return $"{key} has no {placeholder} placeholder: put it in System or User where the "
                    + (placeholder == "{sources}" ? "numbered sources" : "question") + " must go.";
            }
        }
    }
}
