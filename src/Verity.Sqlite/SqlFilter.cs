using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Sqlite;

/// <summary>Renders a <see cref="SearchFilter"/> as SQL conditions on <c>c</c> (chunks) and <c>d</c> (documents),
/// all values bound as parameters.</summary>
internal static partial class SqlFilter
{
    public static string Render(SearchFilter filter, SqliteCommand command, int generation)
    {
        var sql = new StringBuilder("c.tenant_id = $tenant AND c.generation = $generation");
        command.Parameters.AddWithValue("$tenant", filter.TenantId);
        command.Parameters.AddWithValue("$generation", generation);

        var i = 0;
        foreach (var (key, value) in filter.Metadata)
        {
            sql.Append($" AND json_extract(d.metadata, $mkey{i}) = $mval{i}");
            command.Parameters.AddWithValue($"$mkey{i}", JsonPath(key));
            command.Parameters.AddWithValue($"$mval{i}", value);
            i++;
        }

        // Metadata values are JSON strings, so json_extract gives TEXT and the comparison is binary (ordinal) text
        // order: ISO 8601 dates compare as times. A missing key is NULL and fails every bound.
        i = 0;
        foreach (var range in filter.Ranges)
        {
            sql.Append($" AND json_extract(d.metadata, $rkey{i})");
            command.Parameters.AddWithValue($"$rkey{i}", JsonPath(range.Key));
            if (range.From is null && range.To is null)
            {
                sql.Append(" IS NOT NULL");
            }
            else if (range.To is null)
            {
                sql.Append($" >= $rfrom{i}");
            }
            else if (range.From is null)
            {
                sql.Append($" <= $rto{i}");
            }
            else
            {
                sql.Append($" BETWEEN $rfrom{i} AND $rto{i}");
            }

            if (range.From is not null)
            {
                command.Parameters.AddWithValue($"$rfrom{i}", range.From);
            }

            if (range.To is not null)
            {
                command.Parameters.AddWithValue($"$rto{i}", range.To);
            }

            i++;
        }

        if (filter.DocumentIds is { } ids)
        {
            sql.Append(" AND c.document_id IN (SELECT value FROM json_each($docids))");
            command.Parameters.AddWithValue("$docids", System.Text.Json.JsonSerializer.Serialize(ids));
        }

        if (filter.Principals is { } principals)
        {
            sql.Append(" AND ").Append(Acl("d", command, principals));
        }

        return sql.ToString();
    }

    /// <summary>The ACL condition on a documents row aliased <paramref name="alias"/>: public, or naming one of the
    /// caller's principals.</summary>
    public static string Acl(string alias, SqliteCommand command, IReadOnlyCollection<string> principals)
    {
        command.Parameters.AddWithValue("$principals", System.Text.Json.JsonSerializer.Serialize(principals));
        return $"""
            ({alias}.acl_public = 1 OR EXISTS (
                SELECT 1 FROM document_principals p
                WHERE p.tenant_id = {alias}.tenant_id AND p.document_id = {alias}.id
                  AND p.principal IN (SELECT value FROM json_each($principals))))
            """;
    }

    public static bool IsUnfiltered(SearchFilter filter) =>
        filter.Metadata.Count == 0 && filter.Ranges.Count == 0 && filter.DocumentIds is null && filter.Principals is null;

    private static string JsonPath(string key)
    {
        if (!MetadataKey().IsMatch(key))
        {
            throw new InvalidRequestException(
                $"Metadata filter key '{key}' is invalid: use 1–64 letters, digits, '_', '-' or '.'.", "filters");
        }

        return $"$.\"{key}\"";
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex MetadataKey();
}
