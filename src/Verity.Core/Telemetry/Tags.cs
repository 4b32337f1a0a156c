namespace Verity.Core.Telemetry;

/// <summary>Span attribute names: OpenTelemetry semantic conventions where one exists, <c>verity.*</c> otherwise.
/// Values are ids, counts, names and outcomes: never document text, questions, answers or secrets.</summary>
internal static class Tags
{
    public const string ErrorType = "error.type";
    public const string Cancelled = "verity.cancelled";
    public const string DbSystem = "db.system";
    public const string GenAiOperation = "gen_ai.operation.name";
    public const string GenAiModel = "gen_ai.request.model";
    public const string GenAiInputTokens = "gen_ai.usage.input_tokens";
    public const string GenAiOutputTokens = "gen_ai.usage.output_tokens";

    public const string Tenant = "verity.tenant.id";
    public const string DocumentId = "verity.document.id";
    public const string JobId = "verity.job.id";

    public const string ChatRoute = "verity.chat.route";
    public const string ChatMode = "verity.chat.mode";
    public const string ChatGenerator = "verity.chat.generator";
    public const string ChatGrounded = "verity.chat.grounded";
    public const string ChatDegraded = "verity.chat.degraded";
    public const string ChatCached = "verity.chat.cached";
    public const string ChatCitations = "verity.chat.citations";
    public const string ChatSources = "verity.chat.sources";
    public const string ChatAbandoned = "verity.chat.abandoned";

    public const string GuardrailsAllowed = "verity.guardrails.allowed";
    public const string GuardrailsReasons = "verity.guardrails.reasons";
    public const string GuardrailsFlagged = "verity.guardrails.flagged";
    public const string GuardrailsExcluded = "verity.guardrails.excluded";
    public const string RouteKind = "verity.route.kind";
    public const string CacheHit = "verity.cache.hit";
    public const string IndexVersion = "verity.index.version";

    public const string RetrievalMode = "verity.retrieval.mode";
    public const string RetrievalRequestedMode = "verity.retrieval.requested_mode";
    public const string TopK = "verity.retrieval.top_k";
    public const string RetrievalResults = "verity.retrieval.results";
    public const string RetrievalDegraded = "verity.retrieval.degraded";
    public const string SearchCandidates = "verity.search.candidates";
    public const string SearchHits = "verity.search.hits";
    public const string FuseMethod = "verity.fuse.method";
    public const string FuseResults = "verity.fuse.results";

    public const string PromptCandidates = "verity.prompt.candidates";
    public const string PromptSources = "verity.prompt.sources";
    public const string PromptSourceTokens = "verity.prompt.source_tokens";
    public const string PromptTemplate = "verity.prompt.template";

    public const string Generator = "verity.generate.generator";
    public const string GenerateOutcome = "verity.generate.outcome";

    public const string IngestOutcome = "verity.ingest.outcome";
    public const string IngestAction = "verity.ingest.action";
    public const string IngestAttempt = "verity.ingest.attempt";
    public const string MediaType = "verity.document.media_type";
    public const string DocumentBytes = "verity.document.bytes";
    public const string Sections = "verity.document.sections";
    public const string Chunks = "verity.ingest.chunks";
    public const string ChunkTokens = "verity.ingest.tokens";
    public const string Parents = "verity.ingest.parents";
    public const string EmbedInputs = "verity.embed.inputs";
    public const string EmbedBatches = "verity.embed.batches";
    public const string DocumentVersion = "verity.document.version";
}
