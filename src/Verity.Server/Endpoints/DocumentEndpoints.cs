using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Server.Contracts;
using Verity.Core.Security;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

public static partial class DocumentEndpoints
{
    public const string ApiSource = "api";
    private const int MaxIdLength = 512;
    private const int MaxTitleLength = 512;
    private const int MaxMetadataEntries = 64;
    private const int MaxMetadataValueLength = 1024;

    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/documents").WithTags("Documents").RequireAuthorization(AuthSetup.ReadPolicy);
        group.MapPost("/", PutDocumentAsync)
            .WithName("PutDocument")
            .WithSummary("Add a document, or replace the one with the same id; returns its id.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireAuthorization(AuthSetup.WritePolicy)
            .Audited(AuditActions.DocumentPut);
        group.MapGet("/", ListDocumentsAsync)
            .WithName("ListDocuments")
            .WithSummary("List documents, ordered by id, a page at a time.")
            .Audited(AuditActions.DocumentList);
        group.MapGet("/{**id}", GetDocumentAsync)
            .WithName("GetDocument")
            .WithSummary("A document's metadata and normalised text.")
            .Audited(AuditActions.DocumentGet);
        group.MapDelete("/{**id}", DeleteDocumentAsync)
            .WithName("DeleteDocument")
            .WithSummary("Remove a document and all its chunks.")
            .RequireAuthorization(AuthSetup.WritePolicy)
            .Audited(AuditActions.DocumentDelete);
        return app;
    }

    public static async Task<Results<Created<DocumentWriteResponse>, Ok<DocumentWriteResponse>, ValidationProblem, ProblemHttpResult>> PutDocumentAsync(
        DocumentRequestBody body, IngestionService ingestion, IIndexStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = Validate(body);
        var acl = ParseAcl(body.Acl, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid document");
        }

        // Replacing a document is reading its id: a caller may only replace what it may read.
        var caller = Caller.Of(context);
        if (body.Id is not null
            && await store.GetDocumentAsync(caller.TenantId, body.Id, cancellationToken) is { } existing
            && !existing.Acl.Admits(caller))
        {
            return TypedResults.Problem(
                "This document id cannot be written by this caller.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var outcome = await ingestion.IngestAsync(
            new DocumentInput
            {
                TenantId = caller.TenantId,
                Acl = acl,
                Id = body.Id,
                Title = body.Title,
                Text = body.Text!,
                Uri = body.Uri,
                Source = ApiSource,
                MediaType = body.MediaType ?? MediaTypes.PlainText,
                Metadata = body.Metadata,
                SourceVersion = body.Version ?? SourceVersions.Next(),
                Author = body.Author,
                Created = body.Created,
                Modified = body.Modified,
            },
            cancellationToken);
        if (outcome.Status == IngestStatus.Stale)
        {
            return TypedResults.Problem(
                $"The index holds a newer version of '{outcome.DocumentId}' than version {body.Version}; nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "Stale version");
        }

        var response = new DocumentWriteResponse(
            outcome.DocumentId, outcome.Status.ToString().ToLowerInvariant(), outcome.Version, outcome.Chunks);
        return outcome.Status == IngestStatus.Added
            ? TypedResults.Created($"/v1/documents/{Uri.EscapeDataString(outcome.DocumentId)}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Ok<DocumentListResponse>> ListDocumentsAsync(
        IIndexStore store, HttpContext context, CancellationToken cancellationToken,
        int? limit = null, string? after = null, string? source = null)
    {
        if (limit is < 1 or > 1000)
        {
            throw new InvalidRequestException("limit must be between 1 and 1000.", "limit");
        }

        var caller = Caller.Of(context);
        var page = await store.ListDocumentsAsync(
            new DocumentListQuery { TenantId = caller.TenantId, Principals = caller.Principals, Limit = limit ?? 100, After = after, Source = source },
            cancellationToken);
        return TypedResults.Ok(new DocumentListResponse(page.Documents.Select(d => d.ToSummary()).ToList(), page.Next));
    }

    public static async Task<Ok<DocumentDetailDto>> GetDocumentAsync(
        string id, IIndexStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(context);
        var document = await store.GetDocumentAsync(caller.TenantId, id, caller.Principals, cancellationToken) ?? throw NotFound(id);
        var text = await store.GetDocumentTextAsync(caller.TenantId, id, caller.Principals, cancellationToken) ?? throw NotFound(id);
        return TypedResults.Ok(document.ToDetail(text));
    }

    public static async Task<NoContent> DeleteDocumentAsync(
        string id, IIndexStore store, Verity.Core.Telemetry.RagMetrics metrics, HttpContext context, CancellationToken cancellationToken)
    {
        // A document the caller may not read does not exist for it, so it cannot be deleted either.
        var caller = Caller.Of(context);
        if (await store.GetDocumentAsync(caller.TenantId, id, caller.Principals, cancellationToken) is null
            || !await store.DeleteDocumentAsync(caller.TenantId, id, cancellationToken))
        {
            throw NotFound(id);
        }

        metrics.RecordIngested(Verity.Core.Telemetry.IngestOutcomes.Deleted);
        return TypedResults.NoContent();
    }

    /// <summary><c>"public"</c> (or absent) → public within the tenant; <c>{"users": [], "groups": [], "roles": []}</c>
    /// → only those principals.</summary>
    internal static DocumentAcl ParseAcl(System.Text.Json.JsonElement? acl, Dictionary<string, string[]> errors)
    {
        if (acl is not { } element || element.ValueKind == System.Text.Json.JsonValueKind.Null
            || (element.ValueKind == System.Text.Json.JsonValueKind.String && element.GetString() == "public"))
        {
            return DocumentAcl.Public;
        }

        const string Message = "acl must be \"public\" or an object with string arrays users, groups and roles (each name 1–256 characters).";
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            errors["acl"] = [Message];
            return DocumentAcl.Public;
        }

        string[]? Names(string property)
        {
            if (!element.TryGetProperty(property, out var value) || value.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                return [];
            }

            if (value.ValueKind != System.Text.Json.JsonValueKind.Array
                || value.EnumerateArray().Any(v => v.ValueKind != System.Text.Json.JsonValueKind.String || v.GetString()!.Length is 0 or > 256))
            {
                return null;
            }

            return value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
        }

        var (users, groups, roles) = (Names("users"), Names("groups"), Names("roles"));
        var unknown = element.EnumerateObject().Any(p => p.Name is not ("users" or "groups" or "roles"));
        if (users is null || groups is null || roles is null || unknown)
        {
            errors["acl"] = [Message];
            return DocumentAcl.Public;
        }

        return new DocumentAcl { IsPublic = false, Users = users, Groups = groups, Roles = roles };
    }

    private static ResourceNotFoundException NotFound(string id) => new($"There is no document with id '{id}'.");

    internal static Dictionary<string, string[]> Validate(DocumentRequestBody body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Text))
        {
            errors["text"] = ["text is required and must not be empty."];
        }

        if (body.Id is not null && !IsValidId(body.Id))
        {
            errors["id"] = [$"id must be 1–{MaxIdLength} characters, without control characters or surrounding spaces."];
        }

        if (body.Title is { Length: > MaxTitleLength })
        {
            errors["title"] = [$"title must be at most {MaxTitleLength} characters."];
        }

        if (body.Uri is not null && !Uri.TryCreate(body.Uri, UriKind.Absolute, out _))
        {
            errors["uri"] = ["uri must be an absolute URI."];
        }

        if (MediaTypes.Canonical(body.MediaType) is { } declared && !MediaTypes.IsText(declared))
        {
            errors["media_type"] = [$"media_type must be a text format ({MediaTypes.PlainText}, {MediaTypes.Markdown}, {MediaTypes.Html}, " +
                $"{MediaTypes.Csv}, {MediaTypes.Json} or {MediaTypes.JsonLines}); upload other formats to /v1/ingest/uploads."];
        }

        ValidateMetadata(body.Metadata, errors);
        if (body.Version is < 0)
        {
            errors["version"] = ["version must not be negative."];
        }

        return errors;
    }

    internal static bool IsValidId(string id) =>
        id.Length is > 0 and <= MaxIdLength && !id.Any(char.IsControl) && id.Trim() == id;

    internal static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata, Dictionary<string, string[]> errors)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            errors["metadata"] = [$"metadata may have at most {MaxMetadataEntries} entries."];
        }
        else if (metadata.Any(p => !MetadataKey().IsMatch(p.Key) || p.Value is null || p.Value.Length > MaxMetadataValueLength))
        {
            errors["metadata"] = [$"metadata keys must be 1–64 letters, digits, '_', '-' or '.', and values non-null strings of at most {MaxMetadataValueLength} characters."];
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex MetadataKey();
}
