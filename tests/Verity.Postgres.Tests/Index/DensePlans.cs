using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Verity.Core.Model;

namespace Verity.Postgres.Tests.Index;

/// <summary>Runs the store's own dense search statement under EXPLAIN ANALYZE (in a transaction scoped and configured
/// as the store's are) and reports which of its two branches read chunks, and how.</summary>
internal static class DensePlans
{
    public static async Task<DensePlan> ExplainAsync(
        PostgresDatabase database, IndexGeneration generation, SearchFilter filter, float[] vector, int limit, int gate, bool iterative = true)
    {
        var layout = new IndexVectorLayout(VectorStorage.PgVector, generation.Dimensions, IterativeScan: true);
        var where = IndexFilter.Create(filter, generation.Id);
        var sql = $"EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) WITH {IndexSearchSql.DenseCte(layout, where)}\n{IndexSearchSql.Results("dense")}";
        var json = await database.ExecuteAsync(DbScope.Tenant(filter.TenantId, filter.Principals), "explain", async (connection, ct) =>
        {
            await using (var settings = new NpgsqlCommand(
                "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', @iterative, true)", connection))
            {
                settings.Parameters.AddWithValue("ef", Math.Max(database.Options.HnswEfSearch, limit).ToString(System.Globalization.CultureInfo.InvariantCulture));
                settings.Parameters.AddWithValue("iterative", iterative ? "relaxed_order" : "off");
                await settings.ExecuteNonQueryAsync(ct);
            }

            await using var command = new NpgsqlCommand(sql, connection);
            where.AddTo(command.Parameters);
            command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = vector });
            command.Parameters.AddWithValue("dense_limit", limit);
            command.Parameters.AddWithValue("gate", gate);
            return (string)(await command.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement[0].GetProperty("Plan");
        return new DensePlan(Branch(root, "CTE dense_index"), Branch(root, "CTE dense_scan"));
    }

    /// <summary>How the CTE named <paramref name="name"/> read chunks: null when it never ran, otherwise the scan
    /// nodes that ran ("Index Scan on chunks_embedding_hnsw", "Seq Scan", ...).</summary>
    private static List<string>? Branch(JsonElement root, string name)
    {
        var cte = Nodes(root).Single(n => n.TryGetProperty("Subplan Name", out var s) && s.GetString() == name);
        var scans = Nodes(cte)
            .Where(n => n.GetProperty("Node Type").GetString()!.Contains("Scan", StringComparison.Ordinal)
                && n.TryGetProperty("Relation Name", out var r) && r.GetString() == "chunks"
                // The candidate scan is aliased c (EXPLAIN numbers repeated aliases: c_1, c_2); g is the bounded count.
                && n.GetProperty("Alias").GetString()!.StartsWith('c'))
            .ToList();
        var ran = scans.Where(n => n.GetProperty("Actual Loops").GetDouble() > 0).ToList();
        return ran.Count == 0
            ? null
            : ran.Select(n => n.GetProperty("Node Type").GetString() + (n.TryGetProperty("Index Name", out var i) ? " on " + i.GetString() : "")).ToList();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var descendant in Nodes(child))
                {
                    yield return descendant;
                }
            }
        }
    }
}

/// <summary>Which branch of dense search read chunks: the HNSW index, the exact scan, or (after a short index
/// result) both.</summary>
internal sealed record DensePlan(IReadOnlyList<string>? IndexBranch, IReadOnlyList<string>? ScanBranch);
