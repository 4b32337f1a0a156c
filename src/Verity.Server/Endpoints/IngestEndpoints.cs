using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Security;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>Durable ingestion over HTTP: multipart uploads and crawls become jobs; jobs and the quarantine can be
/// watched. Uploaded bytes are stored with the job before the response, so a 202 survives a crash.</summary>
public static class IngestEndpoints
{
    private const int MaxWaitSeconds = 120;

    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/ingest").WithTags("Ingestion").RequireAuthorization(AuthSetup.WritePolicy);
        group.MapPost("/uploads", UploadAsync)
            .WithName("UploadDocuments")
            .WithSummary("Upload files (multipart/form-data, any number of parts) as one ingestion job.")
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .Audited(AuditActions.IngestUpload);
        group.MapPost("/crawls", CrawlEndpoint.CrawlAsync)
            .WithName("StartCrawl")
            .WithSummary("Crawl a web site (same host, robots.txt respected) and ingest what changed since the last crawl.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(AuthSetup.AdminPolicy)
            .Audited(AuditActions.IngestCrawl);
        group.MapGet("/jobs", ListJobsAsync)
            .WithName("ListIngestJobs")
            .WithSummary("Ingestion jobs of the caller's tenant, newest first.")
            .Audited(AuditActions.IngestJobs);
        group.MapGet("/jobs/{id}", GetJobAsync)
            .WithName("GetIngestJob")
            .WithSummary("A job's state and progress, with its quarantined and retrying items.")
            .Audited(AuditActions.IngestJobs);
        group.MapDelete("/jobs/{id}", CancelJobAsync)
            .WithName("CancelIngestJob")
            .WithSummary("Cancel a job's items that have not run yet.")
            .Audited(AuditActions.IngestCancel);
        group.MapGet("/quarantine", ListQuarantineAsync)
            .WithName("ListQuarantine")
            .WithSummary("Documents that could not be ingested, with the reason, newest first.")
            .Audited(AuditActions.IngestJobs);
        return app;
    }

    public static async Task<Results<Accepted<UploadResponse>, Ok<UploadResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpRequest request, IngestionJobs jobs, IngestionWorker worker, IIngestJobStore store, IIndexStore index,
        IngestionService ingestion, HttpContext context, CancellationToken cancellationToken, bool wait = false)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(
                "Send the files as multipart/form-data, one part per file.", statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or (IOException and not BadHttpRequestException)
            && !cancellationToken.IsCancellationRequested)
        {
            // BadHttpRequestException (an IOException) is Kestrel's 413 for an oversized body and must stay one.
            return TypedResults.Problem(
                "The body is not readable multipart/form-data: the boundary is missing, a part is cut short, or it has more " +
                "than 1,024 parts. Send one part per file, and split large uploads into several requests.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid upload");
        }

        var errors = new Dictionary<string, string[]>();
        var descriptor = ParseFields(form, errors);
        if (form.Files.Count == 0)
        {
            errors["files"] = ["Attach at least one file."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid upload");
        }

        var caller = Caller.Of(context);
        var accepted = new List<UploadedFileDto>();
        var rejected = new List<RejectedFileDto>();
        var items = new List<NewJobItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in form.Files)
        {
            var reason = await CheckFileAsync(file, caller, index, ingestion.Options.MaxDocumentBytes, cancellationToken);
            var id = DocumentIdFor(file.FileName);
            if (reason is null && !ids.Add(id!))
            {
                reason = "Another file of this upload has the same name.";
            }

            if (reason is not null)
            {
                rejected.Add(new RejectedFileDto(file.FileName, reason));
                continue;
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            items.Add(new NewJobItem
            {
                DocumentId = id!,
                Content = buffer.ToArray(),
                Descriptor = (descriptor with
                {
                    FileName = Path.GetFileName(id),
                    FallbackTitle = Path.GetFileNameWithoutExtension(id),
                    MediaType = file.ContentType,
                    SourceVersion = descriptor.SourceVersion ?? SourceVersions.Next(),
                    WriterPrincipals = caller.Principals.ToList(),
                }).ToJson(),
            });
            accepted.Add(new UploadedFileDto(file.FileName, id!, file.Length));
        }

        if (items.Count == 0)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["files"] = [.. rejected.Select(r => $"{r.File}: {r.Reason}")] },
                title: "No file of the upload can be ingested");
        }

        var job = await jobs.EnqueueAsync(
            new NewIngestJob { TenantId = caller.TenantId, Kind = "upload", Source = DocumentEndpoints.ApiSource, CreatedBy = caller.UserId },
            items, cancellationToken);
        if (wait)
        {
            job = await WaitAsync(store, caller.TenantId, job.Id, cancellationToken);
            if (job.FinishedAt is not null || job.State == IngestJobState.Cancelled)
            {
                return TypedResults.Ok(new UploadResponse(job.ToDto(), accepted, rejected));
            }
        }

        return TypedResults.Accepted($"/v1/ingest/jobs/{job.Id}", new UploadResponse(job.ToDto(), accepted, rejected));
    }

    public static async Task<Ok<JobListResponse>> ListJobsAsync(
        IIngestJobStore store, HttpContext context, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (limit is < 1 or > 500)
        {
            throw new InvalidRequestException("limit must be between 1 and 500.", "limit");
        }

        var page = await store.ListJobsAsync(Caller.Of(context).TenantId, limit ?? 50, after, cancellationToken);
        return TypedResults.Ok(new JobListResponse(page.Jobs.Select(j => j.ToDto()).ToList(), page.Next));
    }

    public static async Task<Ok<JobDetailDto>> GetJobAsync(
        string id, IIngestJobStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var tenant = Caller.Of(context).TenantId;
        var job = await store.GetJobAsync(tenant, id, cancellationToken) ?? throw NotFound(id);
        var quarantined = await store.ListItemsAsync(tenant, id, JobItemState.Quarantined, 200, cancellationToken);
        var pending = await store.ListItemsAsync(tenant, id, JobItemState.Pending, 200, cancellationToken);
        return TypedResults.Ok(new JobDetailDto(
            job.ToDto(),
            quarantined.Select(i => i.ToDto()).ToList(),
            pending.Where(i => i.Error is not null).Select(i => i.ToDto()).ToList()));
    }

    public static async Task<Results<Ok<JobDto>, ProblemHttpResult>> CancelJobAsync(
        string id, IIngestJobStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var tenant = Caller.Of(context).TenantId;
        var job = await store.GetJobAsync(tenant, id, cancellationToken) ?? throw NotFound(id);
        if (!await store.CancelJobAsync(tenant, id, cancellationToken))
        {
            return TypedResults.Problem($"Job '{id}' has already finished ({job.ToDto().State}).", statusCode: StatusCodes.Status409Conflict, title: "Job finished");
        }

        return TypedResults.Ok((await store.GetJobAsync(tenant, id, cancellationToken))!.ToDto());
    }

    public static async Task<Ok<QuarantineResponse>> ListQuarantineAsync(
        IIngestJobStore store, HttpContext context, CancellationToken cancellationToken, int? limit = null)
    {
        if (limit is < 1 or > 1000)
        {
            throw new InvalidRequestException("limit must be between 1 and 1000.", "limit");
        }

        var items = await store.ListQuarantineAsync(Caller.Of(context).TenantId, limit ?? 100, cancellationToken);
        return TypedResults.Ok(new QuarantineResponse(items.Select(i => i.ToDto(withJob: true)).ToList()));
    }

    internal static async Task<IngestJob> WaitAsync(IIngestJobStore store, string tenant, string jobId, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(MaxWaitSeconds);
        while (true)
        {
            var job = (await store.GetJobAsync(tenant, jobId, cancellationToken))!;
            if (job.FinishedAt is not null || job.State == IngestJobState.Cancelled || DateTimeOffset.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    // Form fields that apply to every file of the upload.
    private static JobItemDescriptor ParseFields(IFormCollection form, Dictionary<string, string[]> errors)
    {
        Dictionary<string, string>? metadata = null;
        if (form.TryGetValue("metadata", out var metadataText) && !string.IsNullOrWhiteSpace(metadataText))
        {
            try
            {
                metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(metadataText.ToString());
                DocumentEndpoints.ValidateMetadata(metadata, errors);
            }
            catch (JsonException e)
            {
                errors["metadata"] = [$"metadata must be a JSON object whose values are strings (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."];
            }
        }

        DocumentAcl? acl = null;
        if (form.TryGetValue("acl", out var aclText) && aclText.ToString().Trim() == "public")
        {
            acl = DocumentAcl.Public;
        }
        else if (form.TryGetValue("acl", out aclText) && !string.IsNullOrWhiteSpace(aclText))
        {
            try
            {
                using var json = JsonDocument.Parse(aclText.ToString());
                acl = DocumentEndpoints.ParseAcl(json.RootElement.Clone(), errors);
            }
            catch (JsonException e)
            {
                errors["acl"] = ["acl must be JSON: " + e.Message];
            }
        }

        long? version = null;
        if (form.TryGetValue("version", out var versionText) && !string.IsNullOrWhiteSpace(versionText))
        {
            if (long.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                version = v;
            }
            else
            {
                errors["version"] = ["version must be a non-negative integer."];
            }
        }

        var author = form.TryGetValue("author", out var authorText) && !string.IsNullOrWhiteSpace(authorText) ? authorText.ToString() : null;
        return new JobItemDescriptor { Metadata = metadata, SourceVersion = version, Author = author }.WithAcl(acl);
    }

    private static async Task<string?> CheckFileAsync(
        IFormFile file, CallerIdentity caller, IIndexStore index, long maxBytes, CancellationToken cancellationToken)
    {
        if (DocumentIdFor(file.FileName) is not { } id)
        {
            return "The file name is missing or not a usable document id (no '..' segments, control characters or absolute paths).";
        }

        if (file.Length == 0)
        {
            return "The file is empty.";
        }

        if (file.Length > maxBytes)
        {
            return $"The file is {IngestionService.FormatBytes(file.Length)}; the limit is {IngestionService.FormatBytes(maxBytes)} (Ingestion:MaxDocumentBytes).";
        }

        // Replacing a document is reading its id: a caller may only replace what it may read.
        return await index.GetDocumentAsync(caller.TenantId, id, cancellationToken) is { } existing && !existing.Acl.Admits(caller)
            ? "This document id cannot be written by this caller."
            : null;
    }

    /// <summary>The document id of an uploaded file: its name as sent, with folders kept ('/'-separated) so that an
    /// uploaded tree keeps its paths; null when the name cannot be an id.</summary>
    internal static string? DocumentIdFor(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        var id = fileName.Replace('\\', '/').Trim().TrimStart('/');
        var segments = id.Split('/');
        return segments.Any(s => s is "" or "." or "..") || !DocumentEndpoints.IsValidId(id) ? null : id;
    }

    private static ResourceNotFoundException NotFound(string id) => new($"There is no ingestion job with id '{id}'.");
}
