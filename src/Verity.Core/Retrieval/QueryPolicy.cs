using Verity.Core.Text;

namespace Verity.Core.Retrieval;

/// <summary>The checks every query passes before it costs anything: present, not too long, printable.</summary>
public static class QueryPolicy
{
    public static string Validate(string? query, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new InvalidRequestException("The query must not be empty.", "query");
        }

        if (query.Length > maxLength)
        {
            throw new InvalidRequestException(
                $"The query is {query.Length} characters long; the limit is {maxLength}.", "query");
        }

        var normalized = TextNormalizer.Normalize(query).Trim();
        if (Terms.Words(normalized).Count == 0)
        {
            throw new InvalidRequestException("The query must contain at least one word.", "query");
        }

        return normalized;
    }
}
