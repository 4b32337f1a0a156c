-- Verity's PostgreSQL schema, migration 3: the audit log and the API keys of service accounts, shared by every
-- API replica.

-- Append-only: one row per audited request, read per tenant by time then id (the paging order). The id is an
-- identity, so replicas appending at once never collide; it cannot be supplied by hand (GENERATED ALWAYS), and the
-- statement trigger below refuses every UPDATE, DELETE, MERGE-update, upsert and TRUNCATE, whoever issues them and
-- whether or not any row would be touched. Times are kept to the microsecond (timestamptz).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text NOT NULL,
    user_id     text NOT NULL,
    at          timestamptz NOT NULL,
    action      text NOT NULL,
    query       text,
    chunk_ids   text[] NOT NULL DEFAULT '{}',
    answer_hash text,
    document_id text,
    latency_ms  double precision NOT NULL,
    outcome     text NOT NULL,
    status_code integer NOT NULL,
    guardrails  text[] NOT NULL DEFAULT '{}'
);

-- Serves the tenant predicate, the time range and the (at, id) keyset of both paging directions.
CREATE INDEX audit_log_by_tenant_time ON audit_log (tenant_id, at, id);

CREATE OR REPLACE FUNCTION verity_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION verity_audit_log_append_only();

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_tenant ON audit_log
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));

-- API keys: only the SHA-256 of each secret is kept, never the secret or the key. The id is unique across all
-- tenants because a request names only the id; the lookup by id is the one cross-tenant read (DbScope.System).
CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL,
    name         text NOT NULL,
    groups       text[] NOT NULL DEFAULT '{}',
    roles        text[] NOT NULL DEFAULT '{}',
    secret_hash  bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at, id);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_tenant ON api_keys
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
