-- Verity's PostgreSQL schema, migration 5: trace links from queued work to the request that queued it, how an
-- audited answer was produced, and which API key an audited request concerned.
--
-- ingest_jobs keeps the W3C context (traceparent, tracestate) of the span that created the job; the spans of its
-- items, run later by any worker, link to it. audit_log gains the request's trace id (every action) and, for answers,
-- the generator that wrote it and whether it was degraded or served from the cache; and api_key_id, the id (never the
-- secret) of the key a key action created or revoked, or of the key that authenticated any other request.
--
-- Nullable columns without defaults: adding them rewrites no row, and rows written before keep NULL (not recorded
-- then). Both tables keep their row-level security as it is: the policies check tenant_id, which covers every column
-- of a row. ALTER TABLE is not a data change, so the append-only trigger of audit_log neither fires nor changes: it
-- still refuses every UPDATE, DELETE, MERGE-update, upsert and TRUNCATE, including of the new columns.

ALTER TABLE ingest_jobs
    ADD COLUMN trace_parent text,
    ADD COLUMN trace_state  text;

ALTER TABLE audit_log
    ADD COLUMN trace_id   text,
    ADD COLUMN generator  text,
    ADD COLUMN degraded   boolean,
    ADD COLUMN cached     boolean,
    ADD COLUMN api_key_id text;

-- When each tenant's index last changed (IIndexStore.GetLastChangeAsync, the staleness gauge): set with changes.
ALTER TABLE index_versions ADD COLUMN changed_at timestamptz;
