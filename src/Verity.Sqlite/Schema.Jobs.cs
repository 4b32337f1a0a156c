namespace Verity.Sqlite;

internal static partial class Schema
{
    // The durable ingestion queue. An item's content (an upload, a fetched page) is the last column, so reading the
    // other columns never walks its overflow pages, and it is set to NULL when the item ends. Timestamps are ISO
    // 8601 UTC with seven fractional digits, so comparing them as text compares times. Items of a cancelled job
    // that never ran are 'cancelled'.
    private const string JobTables = """
        CREATE TABLE IF NOT EXISTS ingest_jobs (
            id          TEXT PRIMARY KEY,
            tenant_id   TEXT NOT NULL,
            kind        TEXT NOT NULL,
            source      TEXT NOT NULL,
            created_by  TEXT,
            state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'completed_with_errors', 'cancelled')),
            total       INTEGER NOT NULL DEFAULT 0,
            done        INTEGER NOT NULL DEFAULT 0,
            added       INTEGER NOT NULL DEFAULT 0,
            updated     INTEGER NOT NULL DEFAULT 0,
            unchanged   INTEGER NOT NULL DEFAULT 0,
            stale       INTEGER NOT NULL DEFAULT 0,
            removed     INTEGER NOT NULL DEFAULT 0,
            quarantined INTEGER NOT NULL DEFAULT 0,
            retrying    INTEGER NOT NULL DEFAULT 0,
            chunks      INTEGER NOT NULL DEFAULT 0,
            bytes       INTEGER NOT NULL DEFAULT 0,
            created_at  TEXT NOT NULL,
            started_at  TEXT,
            finished_at TEXT,
            -- The W3C context (traceparent, tracestate) the job was enqueued in: its items' spans link to it.
            trace_parent TEXT,
            trace_state  TEXT
        );
        CREATE INDEX IF NOT EXISTS ingest_jobs_by_tenant ON ingest_jobs(tenant_id, created_at, id);

        CREATE TABLE IF NOT EXISTS ingest_job_items (
            id              INTEGER PRIMARY KEY,
            job_id          TEXT NOT NULL REFERENCES ingest_jobs(id) ON DELETE CASCADE,
            tenant_id       TEXT NOT NULL,
            seq             INTEGER NOT NULL,
            document_id     TEXT NOT NULL,
            action          TEXT NOT NULL CHECK (action IN ('upsert', 'delete')),
            locator         TEXT,
            descriptor      TEXT NOT NULL DEFAULT '{}',
            state           TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'quarantined', 'cancelled')),
            outcome         TEXT CHECK (outcome IN ('added', 'updated', 'unchanged', 'stale', 'removed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            error           TEXT,
            next_attempt_at TEXT,
            lease_owner     TEXT,
            lease_until     TEXT,
            bytes           INTEGER NOT NULL DEFAULT 0,
            updated_at      TEXT NOT NULL,
            content         BLOB,
            UNIQUE (job_id, seq)
        );
        -- Leasing: the oldest pending item with no retry time (rowid order within the index), due retries, expired leases.
        CREATE INDEX IF NOT EXISTS ingest_job_items_due ON ingest_job_items(state, next_attempt_at);
        -- Leasing within one job, and "has the job items left?" after every item's end.
        CREATE INDEX IF NOT EXISTS ingest_job_items_by_job ON ingest_job_items(job_id, state, next_attempt_at);
        -- "Has an earlier item of this document not ended yet?", asked of every lease candidate.
        CREATE INDEX IF NOT EXISTS ingest_job_items_by_document ON ingest_job_items(tenant_id, document_id, state);
        -- A tenant's quarantine, newest first, and its queue depth.
        CREATE INDEX IF NOT EXISTS ingest_job_items_by_tenant ON ingest_job_items(tenant_id, state, updated_at);

        CREATE TABLE IF NOT EXISTS connector_checkpoints (
            tenant_id    TEXT NOT NULL,
            connector_id TEXT NOT NULL,
            cursor       TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            PRIMARY KEY (tenant_id, connector_id)
        );

        """;
}
