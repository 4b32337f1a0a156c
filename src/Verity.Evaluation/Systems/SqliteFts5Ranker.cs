using System.Text;
using Microsoft.Data.Sqlite;
using Verity.Core.Text;
using Verity.Evaluation.Beir;

namespace Verity.Evaluation.Systems;

/// <summary>The second peer: raw SQLite FTS5 over whole documents (no chunking, no vectors), BM25 ranking with
/// the same tokenizer Verity's store uses. It shows what Verity's layers add over the engine underneath.</summary>
public sealed class SqliteFts5Ranker : IDocumentRanker, IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public string Name => "sqlite-fts5";

    public string Kind => "peer";

    public void Build(IEnumerable<BeirDocument> corpus)
    {
        _connection.Open();
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61')";
            create.ExecuteNonQuery();
        }

        using var transaction = _connection.BeginTransaction();
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO docs(id, title, body) VALUES ($id, $title, $body)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var title = insert.Parameters.Add("$title", SqliteType.Text);
        var body = insert.Parameters.Add("$body", SqliteType.Text);
        foreach (var document in corpus)
        {
            id.Value = document.Id;
            title.Value = document.Title;
            body.Value = document.Text;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public async Task<IReadOnlyList<string>> RankAsync(string query, int depth, CancellationToken cancellationToken)
    {
        var words = Terms.Words(query).Where(w => !Terms.IsStopWord(w)).Distinct(StringComparer.Ordinal).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var match = new StringBuilder();
        foreach (var word in words)
        {
            match.Append(match.Length == 0 ? "" : " OR ").Append('"').Append(word.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id FROM docs WHERE docs MATCH $match ORDER BY bm25(docs) LIMIT $limit";
        command.Parameters.AddWithValue("$match", match.ToString());
        command.Parameters.AddWithValue("$limit", depth);
        var ids = new List<string>(depth);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public void Dispose() => _connection.Dispose();
}
