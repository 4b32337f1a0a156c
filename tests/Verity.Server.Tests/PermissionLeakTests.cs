using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Verity.Server.Tests;

/// <summary>
/// The permission-leak suite: random users, groups and ACLs across several tenants, documents created through the
/// API, and every read endpoint asked — with queries that quote each document's secret words — by users who may
/// and may not read each document. Any unauthorised document id, chunk id or identifying word in any response is a
/// leak; positive controls make sure the suite cannot pass by returning nothing.
/// </summary>
public sealed class PermissionLeakTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20_251_124;
    private const int Tenants = 3;
    private const int UsersPerTenant = 12;
    private const int GroupsPerTenant = 6;
    private const int DocumentsPerTenant = 80;
    private const int SharedIds = 4;
    private const int FullSweepUsers = 2;
    private const int CrossTenantUsersPerDocument = 2;
    private const int PageSize = 7;
    private const int TopK = 100;
    private const int Parallelism = 4;
    private const int MessagesKept = 50;

    private static readonly string[] SearchModes = ["hybrid", "dense", "lexical"];
    private static readonly string[] Endpoints = [.. SearchModes, "chat"];

    private readonly VerityServerFactory _factory = LeakServer();
    private readonly ConcurrentQueue<string> _leaks = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, int> _statuses = new();
    private LeakCorpus _corpus = null!;
    private HttpClient _client = null!;
    private long _requests;
    private long _queries;
    private long _checks;
    private long _leakCount;
    private long _failureCount;

    [Fact]
    public async Task LeakSuite_36Users240Documents_NoUnauthorisedTextLeavesTheServer()
    {
        Assert.Contains($"{Tenants * UsersPerTenant}Users{Tenants * DocumentsPerTenant}Documents", nameof(LeakSuite_36Users240Documents_NoUnauthorisedTextLeavesTheServer), StringComparison.Ordinal);
        var total = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        _corpus = LeakCorpus.Generate(
            Seed, Tenants, UsersPerTenant, GroupsPerTenant, DocumentsPerTenant, SharedIds,
            u => TestTokens.Create(u.Id, u.Tenant, [.. u.Groups], [.. u.Roles]));
        _client = _factory.CreateClient();
        output.WriteLine($"leak suite seed {Seed}: {Tenants} tenants, {_corpus.Users.Count} users, {_corpus.Documents.Count} documents");
        output.WriteLine("ACL kinds: " + string.Join(", ", _corpus.Documents.GroupBy(d => d.Acl.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        var readable = _corpus.Users.Sum(u => _corpus.Documents.Count(d => LeakCorpus.MayRead(u, d)));
        output.WriteLine($"readable (user, document) pairs: {readable} of {_corpus.Users.Count * _corpus.Documents.Count}");

        DetectorSelfTest();

        var phase = Stopwatch.StartNew();
        await IngestAsync();
        output.WriteLine($"ingest: {_corpus.Documents.Count} documents through POST /v1/documents in {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        var controls = await SecretQueriesAsync();
        output.WriteLine($"secret queries: {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await BroadQueriesAsync();
        output.WriteLine($"generic and injection queries: {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await ListingsAsync();
        output.WriteLine($"listings: {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await GetEveryIdAsync();
        output.WriteLine($"GET every id: {phase.ElapsedMilliseconds} ms");

        phase.Restart();
        await UnauthenticatedAsync();
        output.WriteLine($"unauthenticated endpoints: {phase.ElapsedMilliseconds} ms");

        output.WriteLine("positive controls (an authorised user quoting a readable document's words finds it):");
        foreach (var (name, (hits, tries)) in controls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name}: {hits}/{tries}");
        }

        output.WriteLine("response statuses: " + string.Join(", ", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
        output.WriteLine(
            $"leak suite: {Tenants} tenants, {_corpus.Users.Count} users × {_corpus.Documents.Count} documents × {_queries} queries " +
            $"({_requests} requests) = {_checks} (response, document) checks, {_leakCount} leaks, {_failureCount} other failures, " +
            $"in {total.Elapsed.TotalSeconds:0.0} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s CPU)");
        foreach (var leak in _leaks.Take(30))
        {
            output.WriteLine("LEAK " + leak);
        }

        foreach (var failure in _failures.Take(30))
        {
            output.WriteLine("FAILURE " + failure);
        }

        Assert.True(_leakCount == 0, $"{_leakCount} leaks; first: {_leaks.FirstOrDefault()}");
        Assert.True(_failureCount == 0, $"{_failureCount} failures; first: {_failures.FirstOrDefault()}");
        Assert.True(readable > _corpus.Users.Count * 10, "the corpus should let every user read a fair share");
    }

    /// <summary>The detector must flag what it is meant to flag, or a green run would mean nothing.</summary>
    private void DetectorSelfTest()
    {
        var user = _corpus.Users[0];
        var hidden = _corpus.Documents.First(d => !LeakCorpus.MayRead(user, d) && d.Tenant == user.Tenant);
        var visible = _corpus.Documents.First(d => LeakCorpus.MayRead(user, d));
        var elsewhere = _corpus.Documents.First(d => d.Tenant != user.Tenant && d.Acl.Public);

        Scan(user, "self-test", "", $"{{\"excerpt\": \"…the **{visible.Secret}** and {visible.Canary.ToUpperInvariant()}…\"}}");
        CheckId(user, "self-test", visible.Id);
        Assert.Equal(0, _leakCount);

        Scan(user, "self-test", "", $"{{\"answer\": \"It is {hidden.Canary.ToUpperInvariant()}. [1]\"}}");
        Scan(user, "self-test", hidden.Sentence, $"{{\"text\": \"{hidden.Sentence}\", \"uri\": \"{hidden.Uri}\"}}");
        Scan(user, "self-test", "", $"{{\"title\": \"{elsewhere.Title}\"}}");
        CheckId(user, "self-test", hidden.Id);
        CheckId(user, "self-test", "no/such/document");
        Assert.Equal(5, _leakCount);

        // Echoing the user's own query is not a leak.
        Scan(user, "self-test", hidden.Sentence, $"{{\"query\": \"{hidden.Sentence}\"}}");
        Assert.Equal(5, _leakCount);
        _leaks.Clear();
        _leakCount = 0;
        _checks = 0;
    }

    private static VerityServerFactory LeakServer()
    {
        var factory = TestTokens.AuthenticatedFactory();
        // The suite sends tens of thousands of requests in a minute: rate limiting is not what it tests.
        factory.Settings["Verity:RateLimits:Enabled"] = "false";
        // Tens of thousands of request log lines would cost more than the requests.
        factory.Settings["Logging:LogLevel:Default"] = "Warning";
        return factory;
    }

    private async Task IngestAsync()
    {
        var editors = _corpus.Tenants.ToDictionary(
            t => t,
            t => new LeakUser(t, "ingest-bot", [], ["editor"], TestTokens.Create("ingest-bot", t, [], ["editor"])));
        await Parallel.ForEachAsync(_corpus.Documents, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (d, _) =>
        {
            var (status, body) = await SendAsync(HttpMethod.Post, "/v1/documents", editors[d.Tenant], new
            {
                id = d.Id,
                title = d.Title,
                text = d.Text,
                media_type = "text/markdown",
                uri = d.Uri,
                metadata = d.Metadata,
                acl = d.Acl.ToJson(),
            });
            if (status != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"creating {d} gave {(int)status}: {body}");
            }
        });
    }

    /// <summary>
    /// For every document: an authorised user quotes its sentence and its secret word through every endpoint first
    /// (the positive control, and it fills any cache the others could hit); then <see cref="FullSweepUsers"/> users of
    /// its tenant who may not read it do the same; then every other user of its tenant and
    /// <see cref="CrossTenantUsersPerDocument"/> users of other tenants quote the sentence and the secret through one
    /// endpoint each, rotating, so that every (user, document) pair of a tenant is quoted and every endpoint sees every
    /// document quoted by outsiders. Full sweeps also probe with a metadata filter on the document's canary.
    /// </summary>
    private async Task<ConcurrentDictionary<string, (int Hits, int Tries)>> SecretQueriesAsync()
    {
        var controls = new ConcurrentDictionary<string, (int Hits, int Tries)>(StringComparer.Ordinal);
        void Control(string name, bool hit, LeakUser user, LeakDocument d, IReadOnlyList<string> ranked)
        {
            controls.AddOrUpdate(name, _ => (hit ? 1 : 0, 1), (_, c) => (c.Hits + (hit ? 1 : 0), c.Tries + 1));
            if (!hit)
            {
                Fail($"positive control {name}: {user} did not find {d}; got [{string.Join(", ", ranked.Take(5))}]");
            }
        }

        await Parallel.ForEachAsync(
            _corpus.Documents.Select((d, i) => (d, i)),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (item, _) =>
            {
                var (d, index) = item;
                var random = new Random(Seed + index);
                var tenantUsers = _corpus.Users.Where(u => u.Tenant == d.Tenant).ToArray();
                random.Shuffle(tenantUsers);
                var first = tenantUsers.FirstOrDefault(u => LeakCorpus.MayRead(u, d));
                var outsiders = tenantUsers.Where(u => !LeakCorpus.MayRead(u, d)).ToArray();
                var full = outsiders.Take(FullSweepUsers).ToHashSet();
                var others = _corpus.Users.Where(u => u.Tenant != d.Tenant).ToArray();
                random.Shuffle(others);
                var askers = (first is null ? [] : new[] { first })
                    .Concat(full)
                    .Concat(tenantUsers.Where(u => u != first && !full.Contains(u)))
                    .Concat(others.Take(CrossTenantUsersPerDocument))
                    .ToList();

                for (var k = 0; k < askers.Count; k++)
                {
                    var user = askers[k];
                    if (user != first && !full.Contains(user))
                    {
                        await AskAsync(user, d.Sentence, Endpoints[(index + k) % Endpoints.Length]);
                        await AskAsync(user, d.Secret, Endpoints[(index + k + 2) % Endpoints.Length]);
                        continue;
                    }

                    var sentence = await AskEverywhereAsync(user, d.Sentence);
                    var secret = await AskEverywhereAsync(user, d.Secret);
                    var filtered = await SearchAsync(user, "memo reference code", "lexical", new Dictionary<string, string> { ["ref"] = d.Canary });
                    if (filtered is not null && LeakCorpus.MayRead(user, d) != filtered.Contains(d.Id))
                    {
                        Fail($"metadata filter ref={d.Canary}: {user} got [{string.Join(", ", filtered)}] for {d}");
                    }

                    if (user == first)
                    {
                        Control("lexical, exact sentence, top 3", Top(sentence, "lexical", 3).Contains(d.Id), user, d, sentence["lexical"]);
                        Control("hybrid, exact sentence, top 3", Top(sentence, "hybrid", 3).Contains(d.Id), user, d, sentence["hybrid"]);
                        Control("dense, exact sentence, top 10", Top(sentence, "dense", 10).Contains(d.Id), user, d, sentence["dense"]);
                        Control("chat, exact sentence, in sources", sentence["chat"].Contains(d.Id), user, d, sentence["chat"]);
                        Control("lexical, secret word, rank 1", Top(secret, "lexical", 1).Contains(d.Id), user, d, secret["lexical"]);
                        Control("hybrid, secret word, top 3", Top(secret, "hybrid", 3).Contains(d.Id), user, d, secret["hybrid"]);
                        Control("chat, secret word, in sources", secret["chat"].Contains(d.Id), user, d, secret["chat"]);
                        Control("metadata filter on the canary, found", filtered?.Contains(d.Id) == true, user, d, filtered ?? []);
                    }
                }
            });
        return controls;

        static IEnumerable<string> Top(Dictionary<string, List<string>> ranked, string endpoint, int n) => ranked[endpoint].Take(n);
    }

    /// <summary>Every user sends the generic and injection-flavoured queries through every endpoint; in each tenant
    /// the users who may read the most go first, so a cache filled by them is what the others would hit.</summary>
    private async Task BroadQueriesAsync()
    {
        var ordered = _corpus.Users
            .OrderByDescending(u => _corpus.Documents.Count(d => LeakCorpus.MayRead(u, d)))
            .ToList();
        await Parallel.ForEachAsync(
            LeakCorpus.GenericQueries.Concat(LeakCorpus.InjectionQueries),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (query, _) =>
            {
                foreach (var user in ordered)
                {
                    await AskEverywhereAsync(user, query);
                }
            });
    }

    /// <summary>GET /v1/documents, every page: exactly the documents the user may read, in id order.</summary>
    private async Task ListingsAsync() =>
        await Parallel.ForEachAsync(_corpus.Users, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (user, _) =>
        {
            var listed = new List<string>();
            string? after = null;
            for (var page = 0; page < 1000; page++)
            {
                var path = $"/v1/documents?limit={PageSize}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
                var (status, body) = await SendAsync(HttpMethod.Get, path, user, null);
                Scan(user, "GET " + path, "", body);
                if (status != HttpStatusCode.OK)
                {
                    Fail($"{user}: GET {path} gave {(int)status}");
                    return;
                }

                using var json = JsonDocument.Parse(body);
                foreach (var d in json.RootElement.GetProperty("documents").EnumerateArray())
                {
                    var id = d.GetProperty("id").GetString()!;
                    CheckId(user, "GET " + path, id);
                    listed.Add(id);
                }

                after = json.RootElement.GetProperty("next").GetString();
                if (after is null)
                {
                    break;
                }
            }

            var expected = _corpus.Documents.Where(d => LeakCorpus.MayRead(user, d)).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
            if (!listed.SequenceEqual(expected, StringComparer.Ordinal))
            {
                Fail(
                    $"{user}: listing has {listed.Count} documents, expected {expected.Count}; " +
                    $"extra [{string.Join(", ", listed.Except(expected))}], missing [{string.Join(", ", expected.Except(listed))}]");
            }
        });

    /// <summary>GET /v1/documents/{id} for every id of every tenant: 200 with the right text when readable, else a
    /// 404 indistinguishable from the one for an id that exists nowhere.</summary>
    private async Task GetEveryIdAsync()
    {
        var ids = _corpus.Documents.Select(d => d.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(_corpus.Users, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (user, _) =>
        {
            const string MissingId = "nowhere/never-created";
            var (missingStatus, missingBody) = await SendAsync(HttpMethod.Get, "/v1/documents/" + MissingId, user, null);
            if (missingStatus != HttpStatusCode.NotFound)
            {
                Fail($"{user}: GET of a missing id gave {(int)missingStatus}");
                return;
            }

            var missingShape = NotFoundShape(missingBody, MissingId);
            foreach (var id in ids)
            {
                var request = "GET /v1/documents/" + id;
                var (status, body) = await SendAsync(HttpMethod.Get, "/v1/documents/" + id, user, null);
                Scan(user, request, "", body);
                _corpus.ById.TryGetValue((user.Tenant, id), out var own);
                if (own is not null && LeakCorpus.MayRead(user, own))
                {
                    if (status != HttpStatusCode.OK)
                    {
                        Fail($"{user}: {request} gave {(int)status} for a readable document");
                        continue;
                    }

                    using var json = JsonDocument.Parse(body);
                    var text = json.RootElement.GetProperty("text").GetString()!;
                    if (json.RootElement.GetProperty("id").GetString() != id || !text.Contains(own.Canary, StringComparison.Ordinal)
                        || !text.Contains(own.Sentence, StringComparison.Ordinal)
                        || json.RootElement.GetProperty("acl").GetProperty("public").GetBoolean() != own.Acl.Public)
                    {
                        Fail($"{user}: {request} returned another document's content or ACL");
                    }
                }
                else if (status != HttpStatusCode.NotFound)
                {
                    Leak($"{user}: {request} gave {(int)status} for a document the user may not read: {body[..Math.Min(200, body.Length)]}");
                }
                else if (NotFoundShape(body, id) != missingShape)
                {
                    Leak($"{user}: {request} 404 differs from a missing id's 404: {body} vs {missingBody}");
                }
            }
        });
    }

    /// <summary>Without a token: the data endpoints refuse, and the open ones show no document's words.</summary>
    private async Task UnauthenticatedAsync()
    {
        var victim = _corpus.Documents.First(d => !d.Acl.Public);
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, "/healthz", null),
                     (HttpMethod.Get, "/readyz", null),
                     (HttpMethod.Get, "/openapi/v1.json", null),
                     (HttpMethod.Get, "/", null),
                     (HttpMethod.Get, "/v1/documents", null),
                     (HttpMethod.Get, "/v1/documents/" + victim.Id, null),
                     (HttpMethod.Post, "/v1/search", new { query = victim.Sentence }),
                     (HttpMethod.Post, "/v1/chat", new { question = victim.Sentence }),
                 })
        {
            var (status, text) = await SendAsync(method, path, null, body);
            Scan(null, $"{method} {path} (no token)", body is null ? "" : victim.Sentence, text);
            if (path.StartsWith("/v1/", StringComparison.Ordinal) && status != HttpStatusCode.Unauthorized)
            {
                Leak($"{method} {path} without a token gave {(int)status}");
            }
        }
    }

    /// <summary>The query through POST /v1/search in each mode and POST /v1/chat; the document ids each returned,
    /// in rank order.</summary>
    private async Task<Dictionary<string, List<string>>> AskEverywhereAsync(LeakUser user, string query)
    {
        var ranked = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints)
        {
            ranked[endpoint] = await AskAsync(user, query, endpoint) ?? [];
        }

        return ranked;
    }

    /// <summary>The query through one endpoint: a search mode, or <c>chat</c>.</summary>
    private async Task<List<string>?> AskAsync(LeakUser user, string query, string endpoint)
    {
        if (endpoint != "chat")
        {
            return await SearchAsync(user, query, endpoint, null);
        }

        Interlocked.Increment(ref _queries);
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/chat", user, new { question = query });
        return Hits(user, "POST /v1/chat", query, status, body, "sources");
    }

    private async Task<List<string>?> SearchAsync(LeakUser user, string query, string mode, Dictionary<string, string>? filters)
    {
        Interlocked.Increment(ref _queries);
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/search", user, new { query, mode, top_k = TopK, filters });
        return Hits(user, $"POST /v1/search ({mode})", query, status, body, "results");
    }

    /// <summary>Scans the body and checks every hit's document and chunk id; null when the request was refused.</summary>
    private List<string>? Hits(LeakUser user, string request, string query, HttpStatusCode status, string body, string array)
    {
        Scan(user, request, query, body);
        if (status != HttpStatusCode.OK)
        {
            // A guardrail may refuse a query (a 4xx ProblemDetails, scanned above); a 5xx or a 429 is a failure.
            if ((int)status >= 500 || status == HttpStatusCode.TooManyRequests)
            {
                Fail($"{user}: {request} \"{query}\" gave {(int)status}: {body}");
            }

            return null;
        }

        using var json = JsonDocument.Parse(body);
        var ids = new List<string>();
        foreach (var hit in json.RootElement.GetProperty(array).EnumerateArray())
        {
            var documentId = hit.GetProperty("document_id").GetString()!;
            var chunkId = hit.GetProperty("id").GetString()!;
            CheckId(user, $"{request} \"{query}\"", documentId);
            if (!chunkId.StartsWith(documentId + "#", StringComparison.Ordinal))
            {
                Leak($"{user}: {request} \"{query}\" returned chunk {chunkId} under document {documentId}");
            }

            ids.Add(documentId);
        }

        return ids;
    }

    private void CheckId(LeakUser user, string request, string documentId)
    {
        if (!_corpus.ById.TryGetValue((user.Tenant, documentId), out var d) || !LeakCorpus.MayRead(user, d))
        {
            Leak($"{user}: {request} returned document id {documentId}{(d is null ? " (not in the user's tenant)" : $" {d}")}");
        }
    }

    /// <summary>Every secret, codename or canary in the body must belong to a document the user may read, unless the
    /// user sent that word in the query (a server may echo what it was asked).</summary>
    private void Scan(LeakUser? user, string request, string query, string body)
    {
        Interlocked.Add(ref _checks, _corpus.Documents.Count);
        var sent = Words(query);
        foreach (var word in Words(body))
        {
            if (_corpus.ByToken.TryGetValue(word, out var d) && !LeakCorpus.MayRead(user, d) && !sent.Contains(word))
            {
                var at = body.IndexOf(word, StringComparison.OrdinalIgnoreCase);
                var context = body.Substring(Math.Max(0, at - 80), Math.Min(body.Length - Math.Max(0, at - 80), 160));
                Leak($"{user?.ToString() ?? "anonymous"}: {request} \"{query}\" shows '{word}' of {d}: …{context}…");
            }
        }
    }

    /// <summary>The lower-cased words of the text that start with the corpus's token prefix.</summary>
    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var at = 0;
        while ((at = text.IndexOf(LeakCorpus.TokenPrefix, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var start = at;
            while (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
            {
                start--;
            }

            var end = at;
            while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
            {
                end++;
            }

            words.Add(text[start..end].ToLowerInvariant());
            at = end;
        }

        return words;
    }

    /// <summary>A 404 body with the requested id and the trace id taken out: what must not differ between an id
    /// that exists but is not readable and one that does not exist.</summary>
    private static string NotFoundShape(string body, string id)
    {
        using var json = JsonDocument.Parse(body);
        return string.Join(
            "\n",
            json.RootElement.EnumerateObject()
                .Where(p => p.Name != "trace_id")
                .Select(p => p.Name + "=" + p.Value.ToString().Replace(id, "{id}", StringComparison.Ordinal)));
    }

    /// <summary>Counts every leak and keeps the first few for the report (a badly broken server leaks millions).</summary>
    private void Leak(string message)
    {
        if (Interlocked.Increment(ref _leakCount) <= MessagesKept)
        {
            _leaks.Enqueue(message);
        }
    }

    private void Fail(string message)
    {
        if (Interlocked.Increment(ref _failureCount) <= MessagesKept)
        {
            _failures.Enqueue(message);
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, LeakUser? user, object? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        using var response = await _client.SendAsync(request);
        Interlocked.Increment(ref _requests);
        _statuses.AddOrUpdate($"{(int)response.StatusCode}", 1, (_, n) => n + 1);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        _client?.Dispose();
        _factory.Dispose();
    }
}
