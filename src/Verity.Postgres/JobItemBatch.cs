using Npgsql;
using NpgsqlTypes;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>
/// A slice of a new job's items, inserted with one <c>INSERT … SELECT FROM unnest(…)</c>: one round trip for thousands
/// of items. (COPY would stream, but PostgreSQL refuses COPY FROM into a table with row-level security.) Slices are
/// bounded by count and by the bytes of content they carry, so an upload of large files never builds one huge message.
/// </summary>
internal sealed class JobItemBatch
{
    /// <summary>The first key of the transaction-level advisory lock that serialises job creation per tenant
    /// ("veri" in ASCII); the second is the tenant's hash. A two-key lock never collides with the migration's lock.</summary>
    public const int CreateLockClass = 0x76657269;

    private const int MaxItems = 5_000;
    private const long MaxContentBytes = 16L * 1024 * 1024;

    private readonly IReadOnlyList<NewJobItem> _items;
    private readonly int _first;
    private readonly int _count;

    private JobItemBatch(IReadOnlyList<NewJobItem> items, int first, int count)
    {
        _items = items;
        _first = first;
        _count = count;
    }

    /// <summary>Cuts <paramref name="items"/> into slices, checking every item's action first, so that an item the
    /// store cannot take fails before the transaction starts.</summary>
    public static List<JobItemBatch> Split(IReadOnlyList<NewJobItem> items)
    {
        foreach (var item in items)
        {
            _ = JobVocabulary.Text(item.Action);
        }

        var batches = new List<JobItemBatch>();
        var first = 0;
        while (first < items.Count)
        {
            var count = 0;
            long bytes = 0;
            while (first + count < items.Count && count < MaxItems && (count == 0 || bytes + ContentLength(items[first + count]) <= MaxContentBytes))
            {
                bytes += ContentLength(items[first + count]);
                count++;
            }

            batches.Add(new JobItemBatch(items, first, count));
            first += count;
        }

        return batches;
    }

    /// <summary>Inserts the slice; ids follow the order of the items (the ORDER BY fixes the identity's order).</summary>
    public async Task InsertAsync(NpgsqlConnection connection, string jobId, string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var documents = new string[_count];
        var actions = new string[_count];
        var locators = new string?[_count];
        var descriptors = new string[_count];
        var bytes = new long[_count];
        var contents = new byte[]?[_count];
        for (var i = 0; i < _count; i++)
        {
            var item = _items[_first + i];
            documents[i] = item.DocumentId;
            actions[i] = JobVocabulary.Text(item.Action);
            locators[i] = item.Locator;
            descriptors[i] = item.Descriptor;
            bytes[i] = item.Content?.Length ?? 0;
            contents[i] = item.Content?.ToArray();
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO ingest_job_items (job_id, tenant_id, seq, document_id, action, locator, descriptor, state, bytes, updated_at, content)
            SELECT @job, @tenant, @firstSeq + u.ord::integer - 1, u.document_id, u.action, u.locator, u.descriptor, 'pending', u.bytes, @now, u.content
            FROM unnest(@documents, @actions, @locators, @descriptors, @bytes, @contents)
                WITH ORDINALITY AS u(document_id, action, locator, descriptor, bytes, content, ord)
            ORDER BY u.ord
            """, connection);
        insert.Parameters.AddWithValue("job", jobId);
        insert.Parameters.AddWithValue("tenant", tenantId);
        insert.Parameters.AddWithValue("firstSeq", _first);
        insert.Parameters.AddWithValue("now", now.UtcDateTime);
        insert.Parameters.Add(new NpgsqlParameter("documents", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = documents });
        insert.Parameters.Add(new NpgsqlParameter("actions", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = actions });
        insert.Parameters.Add(new NpgsqlParameter("locators", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = locators });
        insert.Parameters.Add(new NpgsqlParameter("descriptors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = descriptors });
        insert.Parameters.Add(new NpgsqlParameter("bytes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = bytes });
        insert.Parameters.Add(new NpgsqlParameter("contents", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = contents });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static long ContentLength(NewJobItem item) => item.Content?.Length ?? 0;
}
