using System.Text;
using Verity.Core.Model;

namespace Verity.Core.Caching;

/// <summary>
/// The identity of a cached answer: everything that can change what the answer says or which documents it may
/// draw on. Permissions enter as a <see cref="PermissionFingerprint"/> and the documents as the
/// <see cref="IndexVersion"/>, so an answer is never served to a caller with other permissions and is never read
/// again once the tenant's index changed.
/// </summary>
public sealed record AnswerCacheKey
{
    private const string Prefix = "answer:";

    private AnswerCacheKey(string value) => Value = value;

    /// <summary><c>answer:</c> followed by 64 hex digits.</summary>
    public string Value { get; }

    /// <param name="question">The caller's question as asked; it is normalised here (see <see cref="NormalizeQuestion"/>).</param>
    /// <param name="principals">The caller's principals; null only for system work without ACL restriction.</param>
    /// <param name="topK">The effective number of sources, after defaults were applied.</param>
    /// <param name="configuration">Whatever else shapes the answer (prompt template id, generator chain), opaque here.</param>
    public static AnswerCacheKey Create(
        string question,
        string tenantId,
        IReadOnlyCollection<string>? principals,
        IndexVersion indexVersion,
        SearchMode mode,
        int topK,
        IReadOnlyDictionary<string, string>? filters,
        IReadOnlyList<MetadataRange>? ranges,
        string configuration)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(indexVersion);
        ArgumentNullException.ThrowIfNull(configuration);

        using var hash = new CanonicalHash();
        hash.Add("answer/v1")
            .Add(NormalizeQuestion(question))
            .Add(tenantId)
            .Add(PermissionFingerprint.Of(principals))
            .Add(indexVersion.Generation)
            .Add(indexVersion.Changes)
            .Add(indexVersion.GenerationCreatedAt?.UtcTicks ?? 0)
            .Add(mode.ToString())
            .Add(topK);

        // No filter and an empty filter restrict nothing alike, so both encode as zero entries.
        var sortedFilters = (filters ?? DocumentRecord.EmptyMetadata).OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        hash.Add(sortedFilters.Count);
        foreach (var (key, value) in sortedFilters)
        {
            hash.Add(key).Add(value);
        }

        // Every range must hold, so their order and repetitions do not matter.
        var sortedRanges = (ranges ?? [])
            .Distinct()
            .OrderBy(range => range.Key, StringComparer.Ordinal)
            .ThenBy(range => range.From, StringComparer.Ordinal)
            .ThenBy(range => range.To, StringComparer.Ordinal)
            .ToList();
        hash.Add(sortedRanges.Count);
        foreach (var range in sortedRanges)
        {
            hash.Add(range.Key).Add(range.From).Add(range.To);
        }

        hash.Add(configuration);
        return new AnswerCacheKey(Prefix + hash.ToHex());
    }

    /// <summary>The form two askings of the same question share: Unicode NFKC, lower case (invariant), whitespace
    /// collapsed to single spaces, trimmed, trailing <c>?</c>, <c>!</c> and <c>.</c> removed.</summary>
    public static string NormalizeQuestion(string question)
    {
        var composed = question.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        var end = builder.Length;
        while (end > 0 && builder[end - 1] is '?' or '!' or '.' or ' ')
        {
            end--;
        }

        return builder.ToString(0, end);
    }

    public override string ToString() => Value;
}
