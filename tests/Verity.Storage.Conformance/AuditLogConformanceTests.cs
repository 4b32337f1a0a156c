using Verity.Core;
using Verity.Core.Audit;

namespace Verity.Storage.Conformance;

/// <summary>
/// What every <see cref="IAuditLog"/> must do: append records with increasing ids, read them back per tenant with
/// filters and keyset paging in time-then-id order, and never let one tenant read another's. A store's test class
/// derives from this suite and supplies <see cref="CreateLogAsync"/>; every test gets its own empty storage.
/// That the storage itself refuses changes is store-specific and tested by each store.
/// </summary>
public abstract class AuditLogConformanceTests : IAsyncLifetime
{
    protected const string TenantA = "tenant-a";
    protected const string TenantB = "tenant-b";

    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The log under test.</summary>
    protected IAuditLog AuditLog { get; private set; } = null!;

    /// <summary>The finest time the store keeps; times are truncated to it (a tick keeps them exactly).</summary>
    protected virtual TimeSpan TimePrecision => TimeSpan.FromTicks(1);

    /// <summary>A log over new, empty storage of this test.</summary>
    protected abstract Task<IAuditLog> CreateLogAsync();

    public virtual async Task InitializeAsync() => AuditLog = await CreateLogAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary><paramref name="at"/> as the store keeps it: in UTC, truncated to <see cref="TimePrecision"/>.</summary>
    protected DateTimeOffset Stored(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimePrecision.Ticks), TimeSpan.Zero);

    protected static AuditRecord Record(
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

    /// <summary>Every record of the tenant, read page by page in the given direction.</summary>
    protected async Task<List<AuditRecord>> ReadAllAsync(string tenant, int pageSize, bool newestFirst = false)
    {
        var all = new List<AuditRecord>();
        string? after = null;
        do
        {
            var page = await AuditLog.QueryAsync(new AuditQuery { TenantId = tenant, Limit = pageSize, After = after, NewestFirst = newestFirst }, Ct);
            Assert.InRange(page.Records.Count, 1, pageSize);
            all.AddRange(page.Records);
            after = page.Next;
        }
        while (after is not null);

        return all;
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
            ApiKeyId = "k3q7abcdefgh",
        };

        var appended = await AuditLog.AppendAsync(record, Ct);
        var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

        Assert.True(appended.Id > 0);
        Assert.Equal(appended.Id, read.Id);
        Assert.Equal(Stored(record.At), read.At);
        Assert.Equal(read.At, appended.At);
        Assert.Equal(TimeSpan.Zero, read.At.Offset);
        Assert.Equal(record.ChunkIds, read.ChunkIds);
        Assert.Equal(record.Guardrails, read.Guardrails);
        Assert.Equal(
            (record.TenantId, record.UserId, record.Action, record.Query, record.AnswerHash, record.DocumentId, record.LatencyMs, record.Outcome, record.StatusCode, record.ApiKeyId),
            (read.TenantId, read.UserId, read.Action, read.Query, read.AnswerHash, read.DocumentId, read.LatencyMs, read.Outcome, read.StatusCode, read.ApiKeyId));
    }

    [Theory]
    [InlineData("primary", false, false)]
    [InlineData("fallback", true, false)]
    [InlineData("extractive", true, true)]
    public async Task AppendAsync_Answer_RoundTripsTraceIdGeneratorDegradedAndCached(string generator, bool degraded, bool cached)
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var record = Record(TenantA, "erin", T0, AuditActions.Chat) with
        {
            TraceId = traceId,
            Generator = generator,
            Degraded = degraded,
            Cached = cached,
        };

        var appended = await AuditLog.AppendAsync(record, Ct);
        var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

        Assert.Equal((traceId, generator, degraded, cached), (read.TraceId, read.Generator, read.Degraded, read.Cached));
        Assert.Equal((appended.TraceId, appended.Generator, appended.Degraded, appended.Cached), (read.TraceId, read.Generator, read.Degraded, read.Cached));
    }

    [Fact]
    public async Task AppendAsync_NotAnAnswer_KeepsTheTraceIdAndNullAnswerFields()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0) with { TraceId = traceId }, Ct);
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1)), Ct);

        var read = (await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records;

        Assert.Equal([traceId, null], read.Select(r => r.TraceId));
        Assert.All(read, r => Assert.Equal(((string?)null, (bool?)null, (bool?)null), (r.Generator, r.Degraded, r.Cached)));
    }

    [Fact]
    public async Task AppendAsync_ApiKeyId_RoundTripsForKeyActionsAndKeyCallersAndStaysNullOtherwise()
    {
        await AuditLog.AppendAsync(Record(TenantA, "ada", T0, AuditActions.KeyCreate, query: null) with { ApiKeyId = "k3q7abcdefgh", StatusCode = 201 }, Ct);
        await AuditLog.AppendAsync(Record(TenantA, "key:m2x5abcdefgh", T0.AddMinutes(1)) with { ApiKeyId = "m2x5abcdefgh" }, Ct);
        var appended = await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(2)), Ct);

        var read = (await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records;

        Assert.Equal(["k3q7abcdefgh", "m2x5abcdefgh", null], read.Select(r => r.ApiKeyId));
        Assert.Equal([AuditActions.KeyCreate, AuditActions.Search, AuditActions.Search], read.Select(r => r.Action));
        Assert.Null(appended.ApiKeyId);
    }

    [Fact]
    public async Task AppendAsync_DocumentActionWithoutQuery_StoresNullsAndEmptyLists()
    {
        await AuditLog.AppendAsync(Record(TenantA, "ed", T0, AuditActions.DocumentDelete, query: null) with { DocumentId = "notes/wifi", Outcome = AuditOutcomes.NotFound, StatusCode = 404 }, Ct);

        var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

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
            // Alternating tenants: ids increase across the whole log, not per tenant.
            ids.Add((await AuditLog.AppendAsync(Record(i % 2 == 0 ? TenantA : TenantB, "erin", T0.AddMinutes(i)), Ct)).Id);
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(5, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("", "erin", AuditActions.Chat, AuditOutcomes.Ok)]
    [InlineData(TenantA, "", AuditActions.Chat, AuditOutcomes.Ok)]
    [InlineData(TenantA, "erin", "", AuditOutcomes.Ok)]
    [InlineData(TenantA, "erin", AuditActions.Chat, "")]
    public async Task AppendAsync_MissingRequiredField_ThrowsAndStoresNothing(string tenant, string user, string action, string outcome)
    {
        var record = Record(tenant, user, T0, action) with { Outcome = outcome };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => AuditLog.AppendAsync(record, Ct));

        Assert.Empty((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);
    }

    [Fact]
    public async Task AppendAsync_ManyAtOnce_LosesNothingAndPagesBackCompletely()
    {
        // Half of them at the same instant, so the id alone orders those.
        var appended = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            AuditLog.AppendAsync(Record(TenantA, "erin", i % 2 == 0 ? T0 : T0.AddSeconds(i), query: $"q{i}"), Ct)));

        var forwards = await ReadAllAsync(TenantA, pageSize: 7);
        var backwards = await ReadAllAsync(TenantA, pageSize: 7, newestFirst: true);

        Assert.Equal(40, appended.Select(r => r.Id).Distinct().Count());
        Assert.Equal(appended.Select(r => r.Id).Order(), forwards.Select(r => r.Id).Order());
        Assert.Equal(forwards.OrderBy(r => r.At).ThenBy(r => r.Id).Select(r => r.Id), forwards.Select(r => r.Id));
        Assert.Equal(forwards.Select(r => r.Id).Reverse(), backwards.Select(r => r.Id));
    }

    [Fact]
    public async Task QueryAsync_TwoTenants_ReturnsOnlyTheAskingTenantsRecords()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: "tenant a secret"), Ct);
        await AuditLog.AppendAsync(Record(TenantB, "erin", T0, query: "tenant b secret"), Ct);
        await AuditLog.AppendAsync(Record(TenantB, "bo", T0.AddMinutes(1)), Ct);

        var a = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct);
        var b = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantB }, Ct);
        var sameUserOtherTenant = await AuditLog.QueryAsync(new AuditQuery { TenantId = "tenant-c", UserId = "erin" }, Ct);

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
            await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(i)), Ct);
        }

        await AuditLog.AppendAsync(Record(TenantB, "bo", T0.AddMinutes(5)), Ct);
        var pageOfA = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 1 }, Ct);

        var reused = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantB, After = pageOfA.Next }, Ct);

        Assert.NotNull(pageOfA.Next);
        Assert.Equal(TenantB, Assert.Single(reused.Records).TenantId);
    }

    [Fact]
    public async Task QueryAsync_LimitSmallerThanMatches_PagesOldestFirstWithoutGapsOrRepeats()
    {
        // Appended out of time order: pages follow the request time, not the append order.
        int[] minutes = [3, 0, 4, 1, 6, 2, 5];
        foreach (var m in minutes)
        {
            await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(m), query: $"q{m}"), Ct);
        }

        var seen = new List<string?>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 3, After = after }, Ct);
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
            await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(i), query: $"q{i}"), Ct);
        }

        var first = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true }, Ct);
        var second = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true, After = first.Next }, Ct);
        var third = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, NewestFirst = true, After = second.Next }, Ct);

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
            await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: $"q{i}"), Ct);
        }

        var first = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2 }, Ct);
        var second = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 2, After = first.Next }, Ct);

        Assert.Equal(["q0", "q1", "q2", "q3"], first.Records.Concat(second.Records).Select(r => r.Query));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task QueryAsync_FromAndTo_SelectAHalfOpenTimeRange()
    {
        for (var i = 0; i < 6; i++)
        {
            await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddHours(i), query: $"h{i}"), Ct);
        }

        // Bounds in another offset denote the same instants.
        var from = T0.AddHours(2).ToOffset(TimeSpan.FromHours(-5));
        var page = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, From = from, To = T0.AddHours(4) }, Ct);

        Assert.Equal(["h2", "h3"], page.Records.Select(r => r.Query));
    }

    [Fact]
    public async Task QueryAsync_UserAndActionFilters_ReturnOnlyMatchingRecords()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, AuditActions.Chat), Ct);
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1), AuditActions.Search), Ct);
        await AuditLog.AppendAsync(Record(TenantA, "bo", T0.AddMinutes(2), AuditActions.Chat), Ct);
        await AuditLog.AppendAsync(Record(TenantA, "bo", T0.AddMinutes(3), AuditActions.DocumentPut), Ct);

        var erin = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, UserId = "erin" }, Ct);
        var chats = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Action = AuditActions.Chat }, Ct);
        var boChats = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, UserId = "bo", Action = AuditActions.Chat }, Ct);

        Assert.Equal([AuditActions.Chat, AuditActions.Search], erin.Records.Select(r => r.Action));
        Assert.Equal(["erin", "bo"], chats.Records.Select(r => r.UserId));
        Assert.Equal(T0.AddMinutes(2), Assert.Single(boChats.Records).At);
    }

    [Theory]
    [InlineData("not-a-cursor!")]
    [InlineData("bm90LWEtY3Vyc29y")]
    public async Task QueryAsync_InvalidCursor_ThrowsInvalidRequestOnAfter(string cursor)
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, After = cursor }, Ct));

        Assert.Equal("after", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task QueryAsync_LimitOutOfRange_ThrowsInvalidRequestOnLimit(int limit)
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = limit }, Ct));

        Assert.Equal("limit", error.Field);
    }

    [Fact]
    public async Task QueryAsync_LimitOfOneThousand_IsAccepted()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0), Ct);

        var page = await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA, Limit = 1000 }, Ct);

        Assert.Single(page.Records);
        Assert.Null(page.Next);
    }
}
