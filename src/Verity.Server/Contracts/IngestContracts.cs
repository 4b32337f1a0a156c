using Verity.Core.Jobs;

namespace Verity.Server.Contracts;

public sealed record JobCountsDto(
    int Total, int Done, int Added, int Updated, int Unchanged, int Stale, int Removed, int Quarantined, int Retrying,
    int Chunks, long Bytes);

public sealed record JobDto(
    string Id,
    string Kind,
    string Source,
    string State,
    double Progress,
    JobCountsDto Counts,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

public sealed record JobItemDto(
    long Id, string DocumentId, string Action, string State, string? Outcome, int Attempts, string? Error,
    DateTimeOffset? NextAttemptAt, DateTimeOffset UpdatedAt, string? JobId = null);

public sealed record JobDetailDto(JobDto Job, IReadOnlyList<JobItemDto> Quarantined, IReadOnlyList<JobItemDto> Retrying);

public sealed record JobListResponse(IReadOnlyList<JobDto> Jobs, string? Next);

public sealed record UploadedFileDto(string File, string DocumentId, long Bytes);

public sealed record RejectedFileDto(string File, string Reason);

public sealed record UploadResponse(JobDto Job, IReadOnlyList<UploadedFileDto> Accepted, IReadOnlyList<RejectedFileDto> Rejected);

public sealed record QuarantineResponse(IReadOnlyList<JobItemDto> Items);

public sealed record CrawlRequestBody(
    string? Url, string? Sitemap, int? MaxDepth, int? MaxPages, string? PathPrefix);

public sealed record CrawlResponse(JobDto Job, int Unchanged, IReadOnlyList<RejectedFileDto> Failures);

public static class JobMapping
{
    public static JobDto ToDto(this IngestJob job)
    {
        var c = job.Counts;
        return new JobDto(
            job.Id, job.Kind, job.Source, Snake(job.State.ToString()),
            c.Total == 0 ? 1.0 : Math.Round((double)c.Done / c.Total, 4),
            new JobCountsDto(c.Total, c.Done, c.Added, c.Updated, c.Unchanged, c.Stale, c.Removed, c.Quarantined, c.Retrying, c.Chunks, c.Bytes),
            job.CreatedBy, job.CreatedAt, job.StartedAt, job.FinishedAt);
    }

    public static JobItemDto ToDto(this JobItem item, bool withJob = false) => new(
        item.Id, item.DocumentId, Snake(item.Action.ToString()), Snake(item.State.ToString()),
        item.Outcome is { } o ? Snake(o.ToString()) : null, item.Attempts, item.Error, item.NextAttemptAt, item.UpdatedAt,
        withJob ? item.JobId : null);

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
