using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Verity.Server.Tests;

/// <summary>
/// Kills <c>verity ingest</c> (SIGKILL, the whole process tree) in the middle of a batch, runs it again, and proves
/// the index ends exactly as an uninterrupted run leaves it: the same documents with the same content, each written
/// once, every chunk with its text, FTS row and vector, no orphans, and the job finished.
/// </summary>
public sealed class IngestCrashTests : IDisposable
{
    private const int Files = 1200;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-crash-tests", Guid.NewGuid().ToString("N"));

    private string Docs => Path.Combine(_root, "docs");

    [Fact]
    public async Task Ingest_ProcessKilledMidBatch_RerunResumesAndIndexMatchesAnUninterruptedRun()
    {
        WriteCorpus(Docs, Files);
        var referenceData = Path.Combine(_root, "reference");
        var reference = await VerityProcess.RunAsync("ingest", Docs, "--data", referenceData, "--json");
        Assert.True(reference.ExitCode == 0, reference.All);

        var data = Path.Combine(_root, "crashed");
        var database = Path.Combine(data, "verity.db");
        using (var process = VerityProcess.Start("ingest", Docs, "--data", data, "--json"))
        {
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            var (done, total) = await WaitForProgressAsync(database, process, fraction: 0.2);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await drain;
            Assert.True(done < total, $"the run finished ({done}/{total}) before it could be killed; the corpus is too small for this machine");
        }

        var killed = ReadJobs(database);
        Assert.Single(killed);
        Assert.Null(killed[0].FinishedAt);
        Assert.InRange(killed[0].Done, 1, Files - 1);

        var resumed = await VerityProcess.RunAsync("ingest", Docs, "--data", data, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.All);
        var summary = JsonDocument.Parse(resumed.Output).RootElement;
        Assert.Equal(1, summary.GetProperty("resumed_jobs").GetInt32());
        Assert.Empty(summary.GetProperty("failed").EnumerateArray());

        var expected = Snapshot(Path.Combine(referenceData, "verity.db"));
        var actual = Snapshot(database);
        Assert.Equal(Files, expected.Documents.Count);
        Assert.Equal(expected.Documents, actual.Documents);
        Assert.Equal(expected.Chunks.Count, actual.Chunks.Count);
        Assert.Equal(expected.Chunks, actual.Chunks);
        Assert.Equal(expected.Counts, actual.Counts);
        Assert.All(actual.Documents, d => Assert.EndsWith("|v1", d, StringComparison.Ordinal));
        Assert.All(ReadJobs(database), j => Assert.NotNull(j.FinishedAt));
    }

    // Polls the job table of the running process (WAL lets a reader in beside the writer) until a fraction of the
    // items are done.
    private static async Task<(int Done, int Total)> WaitForProgressAsync(string database, System.Diagnostics.Process process, double fraction)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (File.Exists(database))
            {
                try
                {
                    var jobs = ReadJobs(database);
                    if (jobs.Count == 1 && jobs[0].Total > 0 && jobs[0].Done >= jobs[0].Total * fraction)
                    {
                        return (jobs[0].Done, jobs[0].Total);
                    }
                }
                catch (SqliteException)
                {
                    // The schema is still being created.
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The ingest process did not get far enough to be killed mid-batch (or exited first).");
    }

    private static List<(int Total, int Done, string? FinishedAt)> ReadJobs(string database)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT total, done, finished_at FROM ingest_jobs ORDER BY created_at";
        using var reader = command.ExecuteReader();
        var jobs = new List<(int, int, string?)>();
        while (reader.Read())
        {
            jobs.Add((reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return jobs;
    }

    private static IndexSnapshot Snapshot(string database)
    {
        using var connection = Open(database);
        var integrity = Query(connection, "PRAGMA integrity_check");
        Assert.Equal(["ok"], integrity);
        var documents = Query(connection, """
            SELECT d.id || '|' || d.title || '|' || d.content_hash || '|' || d.chunk_count || '|' || d.text_length || '|' ||
                   d.media_type || '|' || length(b.body) || '|v' || d.version
            FROM documents d JOIN document_bodies b ON b.tenant_id = d.tenant_id AND b.document_id = d.id ORDER BY d.id
            """);
        var chunks = Query(connection, """
            SELECT c.document_id || '#' || c.ordinal || '|' || cc.heading_path || '|' || cc.text || '|' || hex(v.embedding)
            FROM chunks c JOIN chunk_content cc ON cc.chunk_id = c.id JOIN chunk_vectors v ON v.chunk_id = c.id
            ORDER BY c.document_id, c.ordinal
            """).Select(Hash).ToList();
        var counts = string.Join(",", Query(connection, """
            SELECT (SELECT count(*) FROM chunks) || '/' || (SELECT count(*) FROM chunk_content) || '/' ||
                   (SELECT count(*) FROM chunk_vectors) || '/' || (SELECT count(*) FROM chunks_fts) || '/' ||
                   (SELECT sum(chunk_count) FROM documents) || '/' ||
                   (SELECT count(*) FROM chunks_fts WHERE rowid NOT IN (SELECT id FROM chunks))
            """));
        return new IndexSnapshot(documents, chunks, counts);
    }

    private static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        return connection;
    }

    // A mixed corpus: Markdown with headings, plain text, HTML and CSV, each document a few chunks long.
    private static void WriteCorpus(string root, int count)
    {
        var words = "harbour ledger quarterly pipeline invoice lantern orchard compliance backlog turbine glacier".Split(' ');
        for (var i = 0; i < count; i++)
        {
            var folder = Path.Combine(root, $"team-{i % 12:00}");
            Directory.CreateDirectory(folder);
            var body = new StringBuilder();
            for (var p = 0; p < 6; p++)
            {
                body.Append(CultureInfo.InvariantCulture, $"Paragraph {p} of record {i} mentions the {words[(i + p) % words.Length]} ");
                for (var w = 0; w < 60; w++)
                {
                    body.Append(words[(i * 7 + p * 3 + w) % words.Length]).Append(' ');
                }

                body.Append(".\n\n");
            }

            var (name, text) = (i % 4) switch
            {
                0 => ($"note-{i:0000}.md", $"# Record {i}\n\n## Summary\n\n{body}"),
                1 => ($"note-{i:0000}.txt", $"Record {i}\n\n{body}"),
                2 => ($"note-{i:0000}.html", $"<html><head><title>Record {i}</title></head><body><h1>Record {i}</h1><p>{body}</p></body></html>"),
                _ => ($"note-{i:0000}.csv", $"id,name,notes\n{i},record {i},\"{body.ToString().Replace("\n", " ", StringComparison.Ordinal)}\"\n"),
            };
            File.WriteAllText(Path.Combine(folder, name), text);
        }
    }

    private sealed record IndexSnapshot(List<string> Documents, List<string> Chunks, string Counts);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
