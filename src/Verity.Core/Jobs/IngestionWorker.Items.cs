using System.Diagnostics;
using Verity.Core.Telemetry;

namespace Verity.Core.Jobs;

/// <summary>One item's run under its lease and how it ends: done, quarantined, or retried with backoff.</summary>
public sealed partial class IngestionWorker
{
    /// <summary>Leases and runs one due item; false when none is due.</summary>
    public async Task<bool> ProcessNextAsync(string? jobId, CancellationToken cancellationToken)
    {
        var leased = await _jobs.LeaseNextAsync(OwnerId, _options.Lease, jobId, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return false;
        }

        var item = leased.Item;
        using var span = JobTrace.StartItemSpan(leased);
        span?.SetTag(Tags.Tenant, item.TenantId)
            .SetTag(Tags.JobId, item.JobId)
            .SetTag(Tags.DocumentId, item.DocumentId)
            .SetTag(Tags.IngestAction, JobVocabulary.Text(item.Action))
            .SetTag(Tags.IngestAttempt, item.Attempts);
        if (item.Attempts > _options.MaxAttempts)
        {
            // Leased and abandoned again and again: whatever reads it takes its worker down with it.
            _metrics?.RecordIngestFailure();
            span?.SetTag(Tags.IngestOutcome, "quarantined").SetStatus(ActivityStatusCode.Error, "Abandoned");
            await _jobs.QuarantineItemAsync(
                item.Id,
                $"Abandoned {item.Attempts - 1} times without finishing (the process ingesting it stopped); last error: {Sentence(item.Error ?? "none")}",
                cancellationToken).ConfigureAwait(false);
            return true;
        }

        var started = Stopwatch.GetTimestamp();
        using var itemCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeat = new Heartbeat(this, item.Id, itemCancellation);
        var heartbeatLoop = heartbeat.RunAsync();
        try
        {
            var (outcome, chunks, bytesRead) = await RunItemAsync(leased, itemCancellation.Token).ConfigureAwait(false);
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            await _jobs.CompleteItemAsync(item.Id, outcome, chunks, bytesRead, CancellationToken.None).ConfigureAwait(false);
            span?.SetTag(Tags.IngestOutcome, JobVocabulary.Text(outcome));
            Log.ItemDone(_logger, item.JobId, item.DocumentId, outcome, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out (or the next start releases it) and the item runs again.
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            span?.SetTag(Tags.Cancelled, true);
            throw;
        }
        catch (OperationCanceledException) when (heartbeat.LeaseLost)
        {
            // Another worker may own the item now (or its job was cancelled): whatever this attempt did is left to
            // the versioned, idempotent write, and the item's end is not this worker's to record.
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            span?.SetTag(Tags.IngestOutcome, "lease_lost");
            Log.LeaseLost(_logger, item.JobId, item.DocumentId);
        }
        catch (Exception e) when (e is DocumentRejectedException or InvalidRequestException)
        {
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            // A rejected document was counted where it was rejected; an invalid item is counted here.
            if (e is InvalidRequestException)
            {
                _metrics?.RecordIngestFailure();
            }

            span?.SetTag(Tags.IngestOutcome, "quarantined");
            Spans.MarkFailed(span, e);
            Log.ItemQuarantined(_logger, item.JobId, item.DocumentId, e.Message);
            await _jobs.QuarantineItemAsync(item.Id, e.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            _metrics?.RecordIngestFailure();
            span?.SetTag(Tags.IngestOutcome, item.Attempts >= _options.MaxAttempts ? "quarantined" : "retry");
            Spans.MarkFailed(span, e);
            await FailAsync(item, e).ConfigureAwait(false);
        }

        return true;
    }

    private async Task FailAsync(JobItem item, Exception e)
    {
        var reason = e switch
        {
            VerityException v => v.Message,
            IOException or UnauthorizedAccessException => $"The source could not be read ({e.GetType().Name}).",
            _ => $"Unexpected error ({e.GetType().Name}).",
        };
        if (item.Attempts >= _options.MaxAttempts)
        {
            Log.ItemGaveUp(_logger, item.JobId, item.DocumentId, item.Attempts, e);
            await _jobs.QuarantineItemAsync(item.Id, $"Gave up after {item.Attempts} attempts; last error: {Sentence(reason)}", CancellationToken.None)
                .ConfigureAwait(false);
            return;
        }

        var delay = Backoff(item.Attempts);
        Log.ItemRetrying(_logger, item.JobId, item.DocumentId, item.Attempts, (long)delay.TotalMilliseconds, e);
        await _jobs.RetryItemAsync(item.Id, reason, _time.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    /// <summary>Exponential backoff with full jitter in the upper half: base·2^(attempt−1), capped.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
