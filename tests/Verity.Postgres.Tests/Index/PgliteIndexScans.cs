using Npgsql;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>
/// Test indexes hold a few dozen chunks, where the planner rightly prefers scanning and sorting them to walking the
/// HNSW graph. To test the index path, these planner settings are switched off in PGlite's one backend session,
/// which every connection shares (so the store's own transactions plan with them), and switched back on after.
/// </summary>
internal static class PgliteIndexScans
{
    public static Task ForceAsync(PgliteServer server) =>
        ExecuteAsync(server, "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");

    public static Task ResetAsync(PgliteServer server) =>
        ExecuteAsync(server, "RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort; RESET hnsw.max_scan_tuples");

    private static async Task ExecuteAsync(PgliteServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
