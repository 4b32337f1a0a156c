-- Verity's PostgreSQL schema, migration 4: where each tenant's index stands (IIndexStore.GetIndexVersionAsync).
--
-- Every applied document write or delete adds one to its tenant's row as the last statement of its transaction, so
-- the row lock that orders a tenant's writers is held only while the write commits. Answers are cached on this count:
-- a tenant never written has no row (0). Each write rewrites the row, so pages keep room for the new row version
-- beside the old one (a HOT update, no index write).

CREATE TABLE index_versions (
    tenant_id text COLLATE "C" PRIMARY KEY,
    changes   bigint NOT NULL CHECK (changes > 0)
) WITH (fillfactor = 50);

ALTER TABLE index_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE index_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY index_versions_tenant ON index_versions
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
