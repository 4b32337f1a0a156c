-- Verity's PostgreSQL schema, migration 0: what the row-level security policies of every table read.
--
-- Each transaction writes its scope with set_config(..., true) before any statement (see DbScope):
--   verity.tenant_id   the one tenant whose rows are visible
--   verity.all_tenants 'on' only for system work that spans tenants (leasing, recovery, retention, key lookup)
--   verity.principals  '' for no ACL restriction, else U+001F followed by the caller's principals joined by U+001F
-- Settings are transaction-local, so a pooled connection never carries one caller's scope into the next.

CREATE OR REPLACE FUNCTION verity_tenant_visible(row_tenant text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT row_tenant = current_setting('verity.tenant_id', true)
        OR coalesce(current_setting('verity.all_tenants', true), '') = 'on'
$$;

-- A document (or chunk) row is visible when no ACL restriction is in force, when it is public, or when its ACL
-- names one of the caller's principals.
CREATE OR REPLACE FUNCTION verity_acl_visible(acl_public boolean, acl text[]) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('verity.principals', true), '') = ''
        OR acl_public
        OR acl && string_to_array(substr(current_setting('verity.principals', true), 2), chr(31))
$$;
