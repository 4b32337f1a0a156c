using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Verity.Core;
using Verity.Core.Audit;

namespace Verity.Postgres;

/// <summary>
/// The audit log in PostgreSQL (table <c>audit_log</c>), shared by every API replica. Each record is one INSERT in
/// a transaction scoped to its tenant; a trigger makes the table append-only in the database itself. Times are kept
/// to the microsecond: <see cref="AppendAsync"/> returns the record as stored.
/// </summary>
public sealed partial class PostgresAuditLog : IAuditLog
{
    private const int MaxLimit = 1000;

    private const string Columns =
        "id, tenant_id, user_id, at, action, query, chunk_ids, answer_hash, document_id, latency_ms, outcome, status_code, guardrails, " +
        "trace_id, generator, degraded, cached, api_key_id";

    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresAuditLog> _logger;

    /// <summary>Uses <paramref name="database"/> without owning it (the process disposes it once).</summary>
    public PostgresAuditLog(PostgresDatabase database, ILogger<PostgresAuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
    }

    public async Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(record.UserId);
        ArgumentException.ThrowIfNullOrEmpty(record.Action);
        ArgumentException.ThrowIfNullOrEmpty(record.Outcome);

        // A transient failure after the commit reached the server retries the insert: a record may then be stored
        // twice, which an audit log prefers to losing it.
        var (id, at) = await _database.ExecuteAsync(DbScope.Tenant(record.TenantId), "append to the audit log", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO audit_log (tenant_id, user_id, at, action, query, chunk_ids, answer_hash, document_id,
                    latency_ms, outcome, status_code, guardrails, trace_id, generator, degraded, cached, api_key_id)
                VALUES (@tenant, @user, @at, @action, @query, @chunks, @answer, @document, @latency, @outcome, @status, @guardrails,
                    @trace, @generator, @degraded, @cached, @key)
                RETURNING id, at
                """, connection);
            command.Parameters.AddWithValue("tenant", record.TenantId);
            command.Parameters.AddWithValue("user", record.UserId);
            command.Parameters.AddWithValue("at", record.At.UtcDateTime);
            command.Parameters.AddWithValue("action", record.Action);
            command.Parameters.AddWithValue("query", (object?)record.Query ?? DBNull.Value);
            command.Parameters.AddWithValue("chunks", record.ChunkIds.ToArray());
            command.Parameters.AddWithValue("answer", (object?)record.AnswerHash ?? DBNull.Value);
            command.Parameters.AddWithValue("document", (object?)record.DocumentId ?? DBNull.Value);
            command.Parameters.AddWithValue("latency", record.LatencyMs);
            command.Parameters.AddWithValue("outcome", record.Outcome);
            command.Parameters.AddWithValue("status", record.StatusCode);
            command.Parameters.AddWithValue("guardrails", record.Guardrails.ToArray());
            command.Parameters.AddWithValue("trace", NpgsqlTypes.NpgsqlDbType.Text, (object?)record.TraceId ?? DBNull.Value);
            command.Parameters.AddWithValue("generator", NpgsqlTypes.NpgsqlDbType.Text, (object?)record.Generator ?? DBNull.Value);
            command.Parameters.AddWithValue("degraded", NpgsqlTypes.NpgsqlDbType.Boolean, (object?)record.Degraded ?? DBNull.Value);
            command.Parameters.AddWithValue("cached", NpgsqlTypes.NpgsqlDbType.Boolean, (object?)record.Cached ?? DBNull.Value);
            command.Parameters.AddWithValue("key", NpgsqlTypes.NpgsqlDbType.Text, (object?)record.ApiKeyId ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
        }, cancellationToken).ConfigureAwait(false);

        Log.AuditRecordAppended(_logger, id, record.Action, record.TenantId);
        return record with { Id = id, At = at };
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.TenantId);
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new InvalidRequestException($"limit must be between 1 and {MaxLimit}.", "limit");
        }

        var cursor = query.After is null ? ((DateTimeOffset, long)?)null : DecodeCursor(query.After);
        var records = await _database.ExecuteAsync(DbScope.Tenant(query.TenantId), "read the audit log", async (connection, ct) =>
        {
            await using var command = BuildQuery(connection, query, cursor);
            var records = new List<AuditRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                records.Add(Read(reader));
            }

            return records;
        }, cancellationToken).ConfigureAwait(false);

        string? next = null;
        if (records.Count > query.Limit)
        {
            records.RemoveAt(records.Count - 1);
            next = EncodeCursor(records[^1].At, records[^1].Id);
        }

        return new AuditPage(records, next);
    }

    private static NpgsqlCommand BuildQuery(NpgsqlConnection connection, AuditQuery query, (DateTimeOffset At, long Id)? cursor)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_log WHERE tenant_id = @tenant");
        command.Parameters.AddWithValue("tenant", query.TenantId);
        if (query.From is { } from)
        {
            sql.Append(" AND at >= @from");
            command.Parameters.AddWithValue("from", from.UtcDateTime);
        }

        if (query.To is { } to)
        {
            sql.Append(" AND at < @to");
            command.Parameters.AddWithValue("to", to.UtcDateTime);
        }

        if (query.UserId is not null)
        {
            sql.Append(" AND user_id = @user");
            command.Parameters.AddWithValue("user", query.UserId);
        }

        if (query.Action is not null)
        {
            sql.Append(" AND action = @action");
            command.Parameters.AddWithValue("action", query.Action);
        }

        if (cursor is var (afterAt, afterId))
        {
            sql.Append(query.NewestFirst ? " AND (at, id) < (@afterAt, @afterId)" : " AND (at, id) > (@afterAt, @afterId)");
            command.Parameters.AddWithValue("afterAt", afterAt.UtcDateTime);
            command.Parameters.AddWithValue("afterId", afterId);
        }

        sql.Append(query.NewestFirst ? " ORDER BY at DESC, id DESC" : " ORDER BY at, id").Append(" LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    private static AuditRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        TenantId = reader.GetString(1),
        UserId = reader.GetString(2),
        At = reader.GetFieldValue<DateTimeOffset>(3),
        Action = reader.GetString(4),
        Query = reader.IsDBNull(5) ? null : reader.GetString(5),
        ChunkIds = reader.GetFieldValue<string[]>(6),
        AnswerHash = reader.IsDBNull(7) ? null : reader.GetString(7),
        DocumentId = reader.IsDBNull(8) ? null : reader.GetString(8),
        LatencyMs = reader.GetDouble(9),
        Outcome = reader.GetString(10),
        StatusCode = reader.GetInt32(11),
        Guardrails = reader.GetFieldValue<string[]>(12),
        TraceId = reader.IsDBNull(13) ? null : reader.GetString(13),
        Generator = reader.IsDBNull(14) ? null : reader.GetString(14),
        Degraded = reader.IsDBNull(15) ? null : reader.GetBoolean(15),
        Cached = reader.IsDBNull(16) ? null : reader.GetBoolean(16),
        ApiKeyId = reader.IsDBNull(17) ? null : reader.GetString(17),
    };
}
