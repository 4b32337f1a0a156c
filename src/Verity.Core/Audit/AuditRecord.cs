using System.Security.Cryptography;
using System.Text;

namespace Verity.Core.Audit;

/// <summary>
/// One audited request: who (user and tenant), when, what (action, query or document) and how it ended. Records are
/// append-only; every one belongs to exactly one tenant and is only ever read back within it.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Assigned by the log when the record is appended (0 before); increases with every append.</summary>
    public long Id { get; init; }

    public required string TenantId { get; init; }

    public required string UserId { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The query or question as sent, or <c>sha256:…</c> of it when <see cref="AuditOptions.HashQueries"/>
    /// is on; null for actions without a query.</summary>
    public string? Query { get; init; }

    /// <summary>The chunks the response was built from (chat sources, search hits), in response order.</summary>
    public IReadOnlyList<string> ChunkIds { get; init; } = [];

    /// <summary><c>sha256:…</c> of the answer text; null when no answer was returned.</summary>
    public string? AnswerHash { get; init; }

    /// <summary>The document a document action addressed (or created), when known.</summary>
    public string? DocumentId { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>One of <see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The HTTP status code of the response (or what a non-HTTP host considers equivalent).</summary>
    public int StatusCode { get; init; }

    /// <summary>Guardrail decisions taken on the request (rule ids or short verdicts); empty when none fired.</summary>
    public IReadOnlyList<string> Guardrails { get; init; } = [];

    /// <summary>The W3C trace id of the request (32 lower-case hex digits; what the response's <c>X-Trace-Id</c>
    /// said): the key from an audit record to the request's trace and log lines. Null when the host traced nothing.</summary>
    public string? TraceId { get; init; }

    /// <summary>For an answer: who wrote it, as <see cref="Chat.ChatResult.Generator"/> reports it (a model
    /// endpoint's configured name, <c>extractive</c>, or <c>router</c> for small talk). Null for other actions and
    /// for requests that returned no answer.</summary>
    public string? Generator { get; init; }

    /// <summary>For an answer: whether it was worse than configured (a fallback answered, or dense search was
    /// unavailable). Null when there was no answer.</summary>
    public bool? Degraded { get; init; }

    /// <summary>For an answer: whether it came from the answer cache. Null when there was no answer.</summary>
    public bool? Cached { get; init; }

    /// <summary>The id (never the secret) of an API key: for <see cref="AuditActions.KeyCreate"/> and
    /// <see cref="AuditActions.KeyRevoke"/> the key created or revoked; for every other action the key that
    /// authenticated the request. Null when no key is concerned (a token, or a key action that named no valid id).</summary>
    public string? ApiKeyId { get; init; }

    /// <summary><c>sha256:</c> followed by the lower-case hex SHA-256 of the UTF-8 text: how query text (when
    /// configured) and answers are recorded.</summary>
    public static string Hash(string text) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>The audited actions.</summary>
public static class AuditActions
{
    public const string Chat = "chat";
    public const string Search = "search";
    public const string DocumentPut = "document.put";
    public const string DocumentDelete = "document.delete";
    public const string DocumentGet = "document.get";
    public const string DocumentList = "document.list";
    public const string IngestUpload = "ingest.upload";
    public const string IngestCrawl = "ingest.crawl";
    public const string IngestJobs = "ingest.jobs";
    public const string IngestCancel = "ingest.cancel";
    public const string KeyCreate = "key.create";
    public const string KeyList = "key.list";
    public const string KeyRevoke = "key.revoke";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(
        [
            Chat, Search, DocumentPut, DocumentDelete, DocumentGet, DocumentList, IngestUpload, IngestCrawl, IngestJobs, IngestCancel,
            KeyCreate, KeyList, KeyRevoke,
        ],
        StringComparer.Ordinal);

    /// <summary>Whether <paramref name="action"/> acts on one API key, so that <see cref="AuditRecord.ApiKeyId"/>
    /// names that key rather than the one that authenticated.</summary>
    public static bool AddressesApiKey(string action) => action is KeyCreate or KeyRevoke;
}

/// <summary>How an audited request ended.</summary>
public static class AuditOutcomes
{
    public const string Ok = "ok";
    public const string NotFound = "not_found";

    /// <summary>Refused for the caller: missing role, a document it may not write, a rate limit.</summary>
    public const string Denied = "denied";

    /// <summary>The request could not be processed as sent (validation, malformed or oversized body, rejected document).</summary>
    public const string Invalid = "invalid";
    public const string Error = "error";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([Ok, NotFound, Denied, Invalid, Error], StringComparer.Ordinal);

    /// <summary>The outcome an HTTP status code stands for.</summary>
    public static string FromStatusCode(int statusCode) => statusCode switch
    {
        < 400 => Ok,
        404 or 410 => NotFound,
        401 or 403 or 429 => Denied,
        < 500 => Invalid,
        _ => Error,
    };
}
