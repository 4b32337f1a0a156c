-- Verity's PostgreSQL schema, migration 2: the durable ingestion queue, shared by every API replica and worker.
--
-- A job and all its items are inserted in one transaction. Workers lease items with FOR UPDATE SKIP LOCKED, so any
-- number of processes take items at once without waiting on each other or getting the same one. An item's content
-- (an upload, a fetched page) is set to NULL when the item ends. Items of a cancelled job that never ran are
-- 'cancelled'. The job's "retrying" count is not stored: it is the number of its pending items that already ran.

CREATE TABLE ingest_jobs (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    kind        text NOT NULL,
    source      text NOT NULL,
    created_by  text,
    state       text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'completed_with_errors', 'cancelled')),
    total       integer NOT NULL DEFAULT 0,
    done        integer NOT NULL DEFAULT 0,
    added       integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    unchanged   integer NOT NULL DEFAULT 0,
    stale       integer NOT NULL DEFAULT 0,
    removed     integer NOT NULL DEFAULT 0,
    quarantined integer NOT NULL DEFAULT 0,
    chunks      integer NOT NULL DEFAULT 0,
    bytes       bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz
);

-- A tenant's jobs, newest first, paged by (created_at, id).
CREATE INDEX ingest_jobs_by_tenant ON ingest_jobs (tenant_id, created_at, id);
-- Retention: finished jobs past the cutoff.
CREATE INDEX ingest_jobs_finished ON ingest_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- The id is an identity in creation order; job creation is serialised per tenant, so a tenant's ids are also in
-- commit order, which is what "an earlier item of the same document" means to the lease.
CREATE TABLE ingest_job_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id          text NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
    tenant_id       text NOT NULL,
    seq             integer NOT NULL,
    document_id     text NOT NULL,
    action          text NOT NULL CHECK (action IN ('upsert', 'delete')),
    locator         text,
    descriptor      text NOT NULL DEFAULT '{}',
    state           text NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'quarantined', 'cancelled')),
    outcome         text CHECK (outcome IN ('added', 'updated', 'unchanged', 'stale', 'removed')),
    attempts        integer NOT NULL DEFAULT 0,
    error           text,
    next_attempt_at timestamptz,
    lease_owner     text,
    lease_until     timestamptz,
    bytes           bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL,
    content         bytea,
    UNIQUE (job_id, seq)
);

-- The queue itself: only items not yet ended, in id order, so a lease walks what can run and nothing else.
CREATE INDEX ingest_job_items_queued ON ingest_job_items (id) WHERE state IN ('pending', 'running');
-- Leasing within one job, "has the job items left?" after every item's end, and the job's retrying count.
CREATE INDEX ingest_job_items_queued_by_job ON ingest_job_items (job_id, id) WHERE state IN ('pending', 'running');
-- "Has an earlier item of this document not ended yet?", asked of every lease candidate; and a tenant's queue depth.
CREATE INDEX ingest_job_items_queued_by_document ON ingest_job_items (tenant_id, document_id, id)
    WHERE state IN ('pending', 'running');
-- A tenant's quarantine, newest first.
CREATE INDEX ingest_job_items_quarantined ON ingest_job_items (tenant_id, updated_at, id) WHERE state = 'quarantined';

CREATE TABLE connector_checkpoints (
    tenant_id    text NOT NULL,
    connector_id text NOT NULL,
    cursor       text NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, connector_id)
);

ALTER TABLE ingest_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY ingest_jobs_tenant ON ingest_jobs
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));

ALTER TABLE ingest_job_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_job_items FORCE ROW LEVEL SECURITY;
CREATE POLICY ingest_job_items_tenant ON ingest_job_items
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));

ALTER TABLE connector_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE connector_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY connector_checkpoints_tenant ON connector_checkpoints
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
