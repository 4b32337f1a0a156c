using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Audit;

namespace Verity.Sqlite;

/// <summary>
/// The audit log in the index's SQLite file (table <c>audit_log</c>, created with the rest of the schema by
/// <see cref="SqliteIndexStore.InitializeAsync"/>). Each record is one autocommit INSERT on a connection of its own,
/// independent of the store's write lock; triggers make the table append-only in the database itself.
/// </summary>
public sealed class SqliteAuditLog : IAuditLog, IDisposable
{
    private const int MaxLimit = 1000;

    private readonly ILogger<SqliteAuditLog> _logger;
    private readonly string _connectionString;

    public SqliteAuditLog(SqliteStoreOptions options, ILogger<SqliteAuditLog> logger)
    {
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(options.Path),
            // The store creates the file and the schema; the audit log never creates an empty database.
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)options.BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public async Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(record.UserId);
        ArgumentException.ThrowIfNullOrEmpty(record.Action);
        ArgumentException.ThrowIfNullOrEmpty(record.Outcome);

        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO audit_log(tenant_id, user_id, at, action, query, chunk_ids, answer_hash, document_id,
                    latency_ms, outcome, status_code, guardrails, trace_id, generator, degraded, cached, api_key_id)
                VALUES ($tenant, $user, $at, $action, $query, $chunks, $answer, $document, $latency, $outcome, $status, $guardrails,
                    $trace, $generator, $degraded, $cached, $key)
                RETURNING id
                """;
            command.Parameters.AddWithValue("$tenant", record.TenantId);
            command.Parameters.AddWithValue("$user", record.UserId);
            command.Parameters.AddWithValue("$at", Timestamp(record.At));
            command.Parameters.AddWithValue("$action", record.Action);
            command.Parameters.AddWithValue("$query", (object?)record.Query ?? DBNull.Value);
            command.Parameters.AddWithValue("$chunks", JsonSerializer.Serialize(record.ChunkIds));
            command.Parameters.AddWithValue("$answer", (object?)record.AnswerHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$document", (object?)record.DocumentId ?? DBNull.Value);
            command.Parameters.AddWithValue("$latency", record.LatencyMs);
            command.Parameters.AddWithValue("$outcome", record.Outcome);
            command.Parameters.AddWithValue("$status", record.StatusCode);
            command.Parameters.AddWithValue("$guardrails", JsonSerializer.Serialize(record.Guardrails));
            command.Parameters.AddWithValue("$trace", (object?)record.TraceId ?? DBNull.Value);
            command.Parameters.AddWithValue("$generator", (object?)record.Generator ?? DBNull.Value);
            command.Parameters.AddWithValue("$degraded", record.Degraded is { } degraded ? (degraded ? 1 : 0) : DBNull.Value);
            command.Parameters.AddWithValue("$cached", record.Cached is { } cached ? (cached ? 1 : 0) : DBNull.Value);
            command.Parameters.AddWithValue("$key", (object?)record.ApiKeyId ?? DBNull.Value);
            var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return record with { Id = id };
        }
        catch (SqliteException e)
        {
            throw Translate(e, "append to the audit log");
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.TenantId);
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new InvalidRequestException($"limit must be between 1 and {MaxLimit}.", "limit");
        }

        var cursor = query.After is null ? ((string, long)?)null : DecodeCursor(query.After);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder($"SELECT {Columns} FROM audit_log WHERE tenant_id = $tenant");
            command.Parameters.AddWithValue("$tenant", query.TenantId);
            if (query.From is { } from)
            {
                sql.Append(" AND at >= $from");
                command.Parameters.AddWithValue("$from", Timestamp(from));
            }

            if (query.To is { } to)
            {
                sql.Append(" AND at < $to");
                command.Parameters.AddWithValue("$to", Timestamp(to));
            }

            if (query.UserId is not null)
            {
                sql.Append(" AND user_id = $user");
                command.Parameters.AddWithValue("$user", query.UserId);
            }

            if (query.Action is not null)
            {
                sql.Append(" AND action = $action");
                command.Parameters.AddWithValue("$action", query.Action);
            }

            if (cursor is var (afterAt, afterId))
            {
                sql.Append(query.NewestFirst ? " AND (at, id) < ($afterAt, $afterId)" : " AND (at, id) > ($afterAt, $afterId)");
                command.Parameters.AddWithValue("$afterAt", afterAt);
                command.Parameters.AddWithValue("$afterId", afterId);
            }

            sql.Append(query.NewestFirst ? " ORDER BY at DESC, id DESC" : " ORDER BY at, id").Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit + 1);
            command.CommandText = sql.ToString();

            var records = new List<AuditRecord>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(Read(reader));
                }
            }

            string? next = null;
            if (records.Count > query.Limit)
            {
                records.RemoveAt(records.Count - 1);
                next = EncodeCursor(Timestamp(records[^1].At), records[^1].Id);
            }

            return new AuditPage(records, next);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read the audit log");
        }
    }

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));

    private const string Columns =
        "id, tenant_id, user_id, at, action, query, chunk_ids, answer_hash, document_id, latency_ms, outcome, status_code, guardrails, " +
        "trace_id, generator, degraded, cached, api_key_id";

    private static AuditRecord Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        TenantId = reader.GetString(1),
        UserId = reader.GetString(2),
        At = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        Action = reader.GetString(4),
        Query = reader.IsDBNull(5) ? null : reader.GetString(5),
        ChunkIds = JsonSerializer.Deserialize<string[]>(reader.GetString(6)) ?? [],
        AnswerHash = reader.IsDBNull(7) ? null : reader.GetString(7),
        DocumentId = reader.IsDBNull(8) ? null : reader.GetString(8),
        LatencyMs = reader.GetDouble(9),
        Outcome = reader.GetString(10),
        StatusCode = reader.GetInt32(11),
        Guardrails = JsonSerializer.Deserialize<string[]>(reader.GetString(12)) ?? [],
        TraceId = reader.IsDBNull(13) ? null : reader.GetString(13),
        Generator = reader.IsDBNull(14) ? null : reader.GetString(14),
        Degraded = reader.IsDBNull(15) ? null : reader.GetInt64(15) != 0,
        Cached = reader.IsDBNull(16) ? null : reader.GetInt64(16) != 0,
        ApiKeyId = reader.IsDBNull(17) ? null : reader.GetString(17),
    };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private StoreUnavailableException Translate(SqliteException e, string operation)
    {
        Log.StoreError(_logger, operation, e.SqliteErrorCode, e);
        return new StoreUnavailableException($"The index store could not {operation}.", e.SqliteErrorCode is 5 or 6, e);
    }

    // ISO 8601 in UTC with seven fractional digits: fixed width, so text order is time order.
    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string EncodeCursor(string at, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(at + "|" + id.ToString(CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string At, long Id) DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts.Length == 2
                && DateTimeOffset.TryParseExact(parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (Timestamp(at), id);
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidRequestException("The page cursor is invalid.", "after");
    }
}
