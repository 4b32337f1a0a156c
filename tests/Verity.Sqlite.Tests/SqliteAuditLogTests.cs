using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Embeddings;

namespace Verity.Sqlite.Tests;

/// <summary>The audit log in the index's SQLite file: append, tenant-scoped queries with filters and keyset paging,
/// and a table the database itself keeps append-only.</summary>
public sealed class SqliteAuditLogTests : IAsyncLifetime, IDisposable
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private SqliteIndexStore _store = null!;
    private SqliteAuditLog _log = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string DatabasePath => _directory.Combine("verity.db");

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        _store = new SqliteIndexStore(options, NullLogger<SqliteIndexStore>.Instance);
        var embedder = new HashingEmbeddingGenerator();
        await _store.InitializeAsync(new Verity.Core.IndexConfiguration(embedder.ModelId, embedder.Dimensions, "recursive-v1/400/60"), Ct);
        _log = new SqliteAuditLog(options, NullLogger<SqliteAuditLog>.Instance);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _log.Dispose();
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task AppendAsync_FullRecord_RoundTripsEveryFieldWithAnId()
    {
        var record = new AuditRecord
        {
            TenantId = TenantA,
            UserId = "erin",
            At = new DateTimeOffset(2025, 3, 1, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            Action = AuditActions.Chat,
            Query = "How many days of leave?",
            ChunkIds = ["handbook/leave.md#2", "handbook/leave.md#0"],
            AnswerHash = AuditRecord.Hash("Twenty-five days [1]."),
            LatencyMs = 12.345,
            Outcome = AuditOutcomes.Ok,
            StatusCode = 200,
            Guardrails = ["input.prompt_injection"],
        };

        var appended = await _log.AppendAsync(record, Ct);
        var read = Assert.Single((await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

        Assert.True(appended.Id > 0);
        Assert.Equal(appended.Id, read.Id);
        Assert.Equal(record.At, read.At);
        Assert.Equal(TimeSpan.Zero, read.At.Offset);
        Assert.Equal(record.ChunkIds, read.ChunkIds);
        Assert.Equal(record.Guardrails, read.Guardrails);
        Assert.Equal(
            (record.TenantId, record.UserId, record.Action, record.Query, record.AnswerHash, record.DocumentId, record.LatencyMs, record.Outcome, record.StatusCode),
            (read.TenantId, read.UserId, read.Action, read.Query, read.AnswerHash, read.DocumentId, read.LatencyMs, read.Outcome, read.StatusCode));
    }

    [Fact]
    public async Task AppendAsync_DocumentActionWithoutQuery_StoresNullsAndEmptyLists()
    {
        await _log.AppendAsync(Record(TenantA, "ed", T0, AuditActions.DocumentDelete, query: null) with { DocumentId = "notes/wifi", Outcome = AuditOutcomes.NotFound, StatusCode = 404 }, Ct);

        var read = Assert.Single((await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

        Assert.Null(read.Query);
        Assert.Null(read.AnswerHash);
        Assert.Empty(read.ChunkIds);
        Assert.Empty(read.Guardrails);
        Assert.Equal("notes/wifi", read.DocumentId);
        Assert.Equal(AuditOutcomes.NotFound, read.Outcome);
    }

    [Fact]
    public async Task AppendAsync_Sequence_AssignsIncreasingIds()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(i)), Ct)).Id);
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(5, ids.Distinct().Count());
    }

    [Fact]
    public async Task QueryAsync_TwoTenants_ReturnsOnlyTheAskingTenantsRecords()
    {
        await _log.AppendAsync(Record(TenantA, "erin", T0, query: "tenant a secret"), Ct);
        await _log.AppendAsync(Record(TenantB, "erin", T0, query: "tenant b secret"), Ct);
        await _log.AppendAsync(Record(TenantB, "bo", T0.AddMinutes(1)), Ct);

        var a = await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct);
        var b = await _log.QueryAsync(new AuditQuery { TenantId = TenantB }, Ct);
        var sameUserOtherTenant = await _log.QueryAsync(new AuditQuery { TenantId = "tenant-c", UserId = "erin" }, Ct);

        Assert.Equal("tenant a secret", Assert.Single(a.Records).Query);
        Assert.All(b.Records, r => Assert.Equal(TenantB, r.TenantId));
        Assert.Equal(2, b.Records.Count);
        Assert.Empty(sameUserOtherTenant.Records);
    }

    [Fact]
    public async Task QueryAsync_CursorFromAnotherTenant_ReturnsNothingOfThatTenant()
    {
        for (var i = 0; i < 3; i++)
        {
            await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(i)), Ct);
        }

        await _log.AppendAsync(Record(TenantB, "bo", T0.AddMinutes(5)), Ct);
        var pageOfA = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 1 }, Ct);

        var reused = await _log.QueryAsync(new AuditQuery { TenantId = TenantB, After = pageOfA.Next }, Ct);

        Assert.All(reused.Records, r => Assert.Equal(TenantB, r.TenantId));
    }

    [Fact]
    public async Task QueryAsync_LimitSmallerThanMatches_PagesOldestFirstWithoutGapsOrRepeats()
    {
        // Appended out of time order: pages follow the request time, not the append order.
        int[] minutes = [3, 0, 4, 1, 6, 2, 5];
        foreach (var m in minutes)
        {
            await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(m), query: $"q{m}"), Ct);
        }

        var seen = new List<string?>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 3, After = after }, Ct);
            Assert.InRange(page.Records.Count, 1, 3);
            seen.AddRange(page.Records.Select(r => r.Query));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["q0", "q1", "q2", "q3", "q4", "q5", "q6"], seen);
    }

    [Fact]
    public async Task QueryAsync_NewestFirst_PagesBackwardsInTime()
    {
        for (var i = 0; i < 5; i++)
        {
            await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(i), query: $"q{i}"), Ct);
        }

        var first = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true }, Ct);
        var second = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true, After = first.Next }, Ct);
        var third = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true, After = second.Next }, Ct);

        Assert.Equal(["q4", "q3"], first.Records.Select(r => r.Query));
        Assert.Equal(["q2", "q1"], second.Records.Select(r => r.Query));
        Assert.Equal(["q0"], third.Records.Select(r => r.Query));
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task QueryAsync_SameTimestamp_OrdersAndPagesByIdWithoutLosingRecords()
    {
        for (var i = 0; i < 4; i++)
        {
            await _log.AppendAsync(Record(TenantA, "erin", T0, query: $"q{i}"), Ct);
        }

        var first = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2 }, Ct);
        var second = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, After = first.Next }, Ct);

        Assert.Equal(["q0", "q1", "q2", "q3"], first.Records.Concat(second.Records).Select(r => r.Query));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task QueryAsync_FromAndTo_SelectAHalfOpenTimeRange()
    {
        for (var i = 0; i < 6; i++)
        {
            await _log.AppendAsync(Record(TenantA, "erin", T0.AddHours(i), query: $"h{i}"), Ct);
        }

        // Bounds in another offset denote the same instants.
        var from = T0.AddHours(2).ToOffset(TimeSpan.FromHours(-5));
        var page = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, From = from, To = T0.AddHours(4) }, Ct);

        Assert.Equal(["h2", "h3"], page.Records.Select(r => r.Query));
    }

    [Fact]
    public async Task QueryAsync_UserAndActionFilters_ReturnOnlyMatchingRecords()
    {
        await _log.AppendAsync(Record(TenantA, "erin", T0, AuditActions.Chat), Ct);
        await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1), AuditActions.Search), Ct);
        await _log.AppendAsync(Record(TenantA, "bo", T0.AddMinutes(2), AuditActions.Chat), Ct);
        await _log.AppendAsync(Record(TenantA, "bo", T0.AddMinutes(3), AuditActions.DocumentPut), Ct);

        var erin = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, UserId = "erin" }, Ct);
        var chats = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, Action = AuditActions.Chat }, Ct);
        var boChats = await _log.QueryAsync(new AuditQuery { TenantId = TenantA, UserId = "bo", Action = AuditActions.Chat }, Ct);

        Assert.Equal([AuditActions.Chat, AuditActions.Search], erin.Records.Select(r => r.Action));
        Assert.Equal(["erin", "bo"], chats.Records.Select(r => r.UserId));
        Assert.Equal(T0.AddMinutes(2), Assert.Single(boChats.Records).At);
    }

    [Theory]
    [InlineData("not-a-cursor!")]
    [InlineData("bm90LWEtY3Vyc29y")]
    public async Task QueryAsync_InvalidCursor_ThrowsInvalidRequestOnAfter(string cursor)
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => _log.QueryAsync(new AuditQuery { TenantId = TenantA, After = cursor }, Ct));

        Assert.Equal("after", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task QueryAsync_LimitOutOfRange_ThrowsInvalidRequestOnLimit(int limit)
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => _log.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = limit }, Ct));

        Assert.Equal("limit", error.Field);
    }

    [Fact]
    public async Task RawUpdate_OnAuditLog_IsRefusedByTheDatabase()
    {
        await _log.AppendAsync(Record(TenantA, "erin", T0, query: "original"), Ct);
        using var connection = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE audit_log SET query = 'forged', user_id = 'someone-else'"));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        var read = Assert.Single((await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);
        Assert.Equal(("original", "erin"), (read.Query, read.UserId));
    }

    [Theory]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("DELETE FROM audit_log WHERE user_id = 'erin'")]
    [InlineData("INSERT OR REPLACE INTO audit_log(id, tenant_id, user_id, at, action, latency_ms, outcome, status_code) SELECT id, tenant_id, 'x', at, action, 0, 'ok', 200 FROM audit_log")]
    [InlineData("INSERT INTO audit_log(id, tenant_id, user_id, at, action, latency_ms, outcome, status_code) SELECT id, tenant_id, 'x', at, action, 0, 'ok', 200 FROM audit_log WHERE true ON CONFLICT(id) DO UPDATE SET user_id = 'x'")]
    public async Task RawDeleteOrReplace_OnAuditLog_IsRefusedByTheDatabase(string sql)
    {
        await _log.AppendAsync(Record(TenantA, "erin", T0), Ct);
        await _log.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1)), Ct);
        using var connection = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(connection, sql));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        var records = (await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records;
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("erin", r.UserId));
    }

    [Fact]
    public async Task AppendAsync_WhileTheStoreWritesADocument_BothSucceed()
    {
        var writes = Enumerable.Range(0, 20).Select(i => _log.AppendAsync(Record(TenantA, "erin", T0.AddSeconds(i)), Ct)).ToList();
        var store = _store.DeleteDocumentAsync(TenantA, "missing", Ct);

        await Task.WhenAll(writes);
        Assert.False(await store);
        Assert.Equal(20, (await _log.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records.Count);
    }

    [Fact]
    public async Task AppendAsync_DatabaseNotCreatedYet_ThrowsStoreUnavailableWithoutCreatingAFile()
    {
        var path = _directory.Combine("elsewhere", "never.db");
        using var log = new SqliteAuditLog(new SqliteStoreOptions { Path = path }, NullLogger<SqliteAuditLog>.Instance);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.AppendAsync(Record(TenantA, "erin", T0), Ct));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Schema_AuditLog_IsIndexedByTenantAndTime()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_index_info('audit_log_by_tenant_time') ORDER BY seqno";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        Assert.Equal(["tenant_id", "at"], columns);
    }

    private static AuditRecord Record(
        string tenant, string user, DateTimeOffset at, string action = AuditActions.Search, string? query = "anything") => new()
    {
        TenantId = tenant,
        UserId = user,
        At = at,
        Action = action,
        Query = query,
        LatencyMs = 1.5,
        Outcome = AuditOutcomes.Ok,
        StatusCode = 200,
    };

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
