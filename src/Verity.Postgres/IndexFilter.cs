using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>
/// A <see cref="SearchFilter"/> as SQL conditions on one chunks row (which carries its document's metadata and ACL),
/// every value bound as a parameter. <see cref="Where"/> can render the same conditions for several aliases of the
/// table in one statement, sharing the parameters.
/// </summary>
internal sealed partial class IndexFilter
{
    private readonly List<string> _conditions = [];
    private readonly List<NpgsqlParameter> _parameters = [];

    private IndexFilter()
    {
    }

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <summary>Validates the filter (a bad metadata key is the caller's error) and renders it.</summary>
    public static IndexFilter Create(SearchFilter filter, int generation)
    {
        CheckValues(filter);
        var result = new IndexFilter();
        result.Add("{0}.tenant_id = @f_tenant", "f_tenant", filter.TenantId, NpgsqlDbType.Text);
        result.Add("{0}.generation = @f_generation", "f_generation", generation, NpgsqlDbType.Integer);

        var i = 0;
        foreach (var (key, value) in filter.Metadata)
        {
            result.Add($"{{0}}.metadata ->> @f_mkey{i} = @f_mval{i}", $"f_mkey{i}", CheckKey(key), NpgsqlDbType.Text);
            result.Parameter($"f_mval{i}", value, NpgsqlDbType.Text);
            i++;
        }

        // Values are compared as bytes (COLLATE "C"), like SQLite's binary text order: ISO 8601 dates compare as
        // times. A missing key is NULL and fails every bound.
        i = 0;
        foreach (var range in filter.Ranges)
        {
            var value = $"({{0}}.metadata ->> @f_rkey{i}) COLLATE \"C\"";
            result.Parameter($"f_rkey{i}", CheckKey(range.Key), NpgsqlDbType.Text);
            var condition = new StringBuilder();
            if (range.From is null && range.To is null)
            {
                condition.Append(value).Append(" IS NOT NULL");
            }

            if (range.From is not null)
            {
                condition.Append(value).Append($" >= @f_rfrom{i}");
                result.Parameter($"f_rfrom{i}", range.From, NpgsqlDbType.Text);
            }

            if (range.To is not null)
            {
                condition.Append(range.From is null ? "" : " AND ").Append(value).Append($" <= @f_rto{i}");
                result.Parameter($"f_rto{i}", range.To, NpgsqlDbType.Text);
            }

            result._conditions.Add(condition.ToString());
            i++;
        }

        if (filter.DocumentIds is { } ids)
        {
            result.Add("{0}.document_id = ANY(@f_documents)", "f_documents", ids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        if (filter.Principals is { } principals)
        {
            result.Add(Acl("{0}", "@f_principals"), "f_principals", principals.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        return result;
    }

    /// <summary>The ACL condition on a documents or chunks row: public, or naming one of the caller's principals
    /// (the policies check the same; the query states it too, so it never depends on them).</summary>
    public static string Acl(string alias, string principalsParameter) =>
        $"({alias}.acl_public OR {alias}.acl && {principalsParameter}::text[])";

    /// <summary>All conditions, on the chunks row aliased <paramref name="alias"/>.</summary>
    public string Where(string alias) =>
        string.Join(" AND ", _conditions.Select(c => string.Format(System.Globalization.CultureInfo.InvariantCulture, c, alias)));

    public void AddTo(NpgsqlParameterCollection parameters)
    {
        foreach (var parameter in _parameters)
        {
            parameters.Add(parameter.Clone());
        }
    }

    private void Add(string condition, string name, object value, NpgsqlDbType type)
    {
        _conditions.Add(condition);
        Parameter(name, value, type);
    }

    private void Parameter(string name, object value, NpgsqlDbType type) =>
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });

    // PostgreSQL text cannot hold NUL, so no stored value has one: a filter value with NUL is the caller's mistake,
    // not a store failure.
    private static void CheckValues(SearchFilter filter)
    {
        var values = filter.Metadata.Values
            .Concat(filter.Ranges.SelectMany(r => new[] { r.From, r.To }))
            .Concat(filter.DocumentIds ?? [])
            .Concat(filter.Principals ?? []);
        if (values.Any(v => v is not null && v.Contains('\0', StringComparison.Ordinal)))
        {
            throw new InvalidRequestException("Filter values cannot contain NUL characters.", "filters");
        }
    }

    private static string CheckKey(string key)
    {
        if (!MetadataKey().IsMatch(key))
        {
            throw new InvalidRequestException(
                $"Metadata filter key '{key}' is invalid: use 1–64 letters, digits, '_', '-' or '.'.", "filters");
        }

        return key;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex MetadataKey();
}
