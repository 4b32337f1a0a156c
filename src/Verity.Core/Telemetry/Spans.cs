using System.Diagnostics;
using Verity.Core.Model;

namespace Verity.Core.Telemetry;

/// <summary>Span names of <see cref="VerityTelemetry.Source"/> and the helpers the instrumented stages share.</summary>
internal static class Spans
{
    public const string Chat = "verity.chat";
    public const string InputGuardrails = "verity.guardrails.input";
    public const string Route = "verity.route";
    public const string Condense = "verity.condense";
    public const string CacheLookup = "verity.cache.lookup";
    public const string Retrieve = "verity.retrieve";
    public const string Embed = "verity.embed";
    public const string SearchDense = "verity.search.dense";
    public const string SearchLexical = "verity.search.lexical";
    public const string SearchHybrid = "verity.search.hybrid";
    public const string Fuse = "verity.fuse";
    public const string ContextGuardrails = "verity.guardrails.context";
    public const string Prompt = "verity.prompt";
    public const string PromptRender = "verity.prompt.render";
    public const string Generate = "verity.generate";

    public const string IngestItem = "verity.ingest.item";
    public const string IngestDocument = "verity.ingest.document";
    public const string IngestLoad = "verity.ingest.load";
    public const string IngestParse = "verity.ingest.parse";
    public const string IngestChunk = "verity.ingest.chunk";
    public const string IngestEmbed = "verity.ingest.embed";
    public const string IngestUpsert = "verity.ingest.upsert";

    public static Activity? Start(string name) => VerityTelemetry.Source.StartActivity(name);

    /// <summary>
    /// Records a failure on the span: status Error described by the exception's type, and <c>error.type</c>. Never the
    /// message, which may quote a document or a question. Cancellation is not a failure of the stage; it is marked
    /// <c>verity.cancelled</c>. Always returns false, so that it can be used as an exception filter: the exception
    /// is recorded and keeps propagating, untouched.
    /// </summary>
    public static bool Fail(Activity? span, Exception e)
    {
        MarkFailed(span, e);
        return false;
    }

    /// <inheritdoc cref="Fail"/>
    public static void MarkFailed(Activity? span, Exception e)
    {
        if (span is null)
        {
            return;
        }

        if (e is OperationCanceledException)
        {
            span.SetTag(Tags.Cancelled, true);
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        span.SetTag(Tags.ErrorType, e.GetType().FullName);
    }

    /// <summary>
    /// Makes <paramref name="span"/> the current activity for the rest of an iterator's step. An async iterator runs
    /// each step in its caller's context, so a span opened in an earlier step is no longer current after a
    /// <c>yield</c>: spans of later steps would attach to the caller's span instead. The change is undone when the
    /// step returns to the caller.
    /// </summary>
    public static void Resume(Activity? span)
    {
        if (span is not null)
        {
            Activity.Current = span;
        }
    }

    public static string ModeName(SearchMode mode) => mode switch
    {
        SearchMode.Dense => "dense",
        SearchMode.Lexical => "lexical",
        _ => "hybrid",
    };

    /// <summary>The OpenTelemetry <c>db.system</c> of a store. The core does not know its adapters, but their
    /// namespaces say what they are.</summary>
    public static string DbSystem(object store) => store.GetType().Namespace switch
    {
        { } ns when ns.StartsWith("Verity.Sqlite", StringComparison.Ordinal) => "sqlite",
        { } ns when ns.StartsWith("Verity.Postgres", StringComparison.Ordinal) => "postgresql",
        _ => "other_sql",
    };
}
