using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Verity.Sqlite;

internal static partial class Schema
{
    public const int Version = 5;

    // Chunks belong to an index generation: a re-index writes a new generation beside the live one and promotes it
    // when complete. The FTS table is standalone (not external-content) and keyed by the chunk's rowid, written
    // in the same transaction as the chunk. The chunks table holds only keys and small columns, with text and vector
    // in tables of their own: every lexical match is joined to it for the tenant filter, and narrow rows made that
    // join 2x cheaper on SciFact (many rows per page instead of one row spilling over several). Page and parent
    // ordinal are small integers, mostly NULL, so they cost the chunks row a byte or two each.
    public const string Create = CoreTables + JobTables + Footer;

    private const string CoreTables = """
        CREATE TABLE IF NOT EXISTS schema_info (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS index_generations (
            id              INTEGER PRIMARY KEY,
            embedding_model TEXT NOT NULL,
            dimensions      INTEGER NOT NULL,
            chunker_version TEXT NOT NULL,
            state           TEXT NOT NULL CHECK (state IN ('building', 'live', 'retired')),
            created_at      TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS index_generations_one_live ON index_generations(state) WHERE state = 'live';

        CREATE TABLE IF NOT EXISTS documents (
            tenant_id       TEXT NOT NULL,
            id              TEXT NOT NULL,
            title           TEXT NOT NULL,
            uri             TEXT,
            source          TEXT NOT NULL,
            media_type      TEXT NOT NULL,
            content_hash    TEXT NOT NULL,
            metadata        TEXT NOT NULL DEFAULT '{}',
            acl_public      INTEGER NOT NULL DEFAULT 1,
            chunker_version TEXT NOT NULL,
            embedding_model TEXT NOT NULL,
            version         INTEGER NOT NULL,
            chunk_count     INTEGER NOT NULL,
            text_length     INTEGER NOT NULL,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            source_version  INTEGER,
            PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX IF NOT EXISTS documents_by_source ON documents(tenant_id, source);

        -- Who may read a non-public document: 'user:…', 'group:…' or 'role:…'. Searched inside every query.
        CREATE TABLE IF NOT EXISTS document_principals (
            tenant_id   TEXT NOT NULL,
            document_id TEXT NOT NULL,
            principal   TEXT NOT NULL,
            PRIMARY KEY (tenant_id, document_id, principal),
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS document_bodies (
            tenant_id   TEXT NOT NULL,
            document_id TEXT NOT NULL,
            body        TEXT NOT NULL,
            PRIMARY KEY (tenant_id, document_id),
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE
        );

        CREATE TABLE IF NOT EXISTS chunks (
            id              INTEGER PRIMARY KEY,
            tenant_id       TEXT NOT NULL,
            document_id     TEXT NOT NULL,
            generation      INTEGER NOT NULL REFERENCES index_generations(id),
            ordinal         INTEGER NOT NULL,
            token_count     INTEGER NOT NULL,
            chunker_version TEXT NOT NULL,
            embedding_model TEXT NOT NULL,
            page            INTEGER,
            parent_ordinal  INTEGER,
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE,
            UNIQUE (tenant_id, document_id, generation, ordinal)
        );
        CREATE INDEX IF NOT EXISTS chunks_by_tenant ON chunks(tenant_id, generation);

        -- Parent passages (parent-child chunking): chunks.parent_ordinal points here; only the winners of a search
        -- are joined to it, so the passages stay off the ranking path.
        CREATE TABLE IF NOT EXISTS chunk_parents (
            tenant_id   TEXT NOT NULL,
            document_id TEXT NOT NULL,
            generation  INTEGER NOT NULL REFERENCES index_generations(id),
            ordinal     INTEGER NOT NULL,
            text        TEXT NOT NULL,
            PRIMARY KEY (tenant_id, document_id, generation, ordinal),
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE
        );

        CREATE TABLE IF NOT EXISTS chunk_content (
            chunk_id     INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            text         TEXT NOT NULL,
            heading_path TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS chunk_vectors (
            chunk_id  INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            embedding BLOB NOT NULL
        );

        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(title, heading, body, tokenize = 'porter unicode61');

        -- Append-only: one row per audited request, read per tenant by time. The triggers refuse every UPDATE and
        -- DELETE (and REPLACE), whoever issues them; at is ISO 8601 UTC with seven fractional digits, so text order is time order.
        -- generator, degraded and cached (0/1) describe an answer and are NULL for other actions. api_key_id is the id
        -- (never the secret) of the key a key action created or revoked, or of the key that authenticated the request.
        CREATE TABLE IF NOT EXISTS audit_log (
            id          INTEGER PRIMARY KEY,
            tenant_id   TEXT NOT NULL,
            user_id     TEXT NOT NULL,
            at          TEXT NOT NULL,
            action      TEXT NOT NULL,
            query       TEXT,
            chunk_ids   TEXT NOT NULL DEFAULT '[]',
            answer_hash TEXT,
            document_id TEXT,
            latency_ms  REAL NOT NULL,
            outcome     TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            guardrails  TEXT NOT NULL DEFAULT '[]',
            trace_id    TEXT,
            generator   TEXT,
            degraded    INTEGER,
            cached      INTEGER,
            api_key_id  TEXT
        );
        CREATE INDEX IF NOT EXISTS audit_log_by_tenant_time ON audit_log(tenant_id, at);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        -- INSERT OR REPLACE deletes the row it replaces without firing delete triggers: refuse reusing an id.
        CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        -- API keys of service accounts: only the SHA-256 of each secret is kept, never the secret or the key.
        CREATE TABLE IF NOT EXISTS api_keys (
            id           TEXT PRIMARY KEY,
            tenant_id    TEXT NOT NULL,
            name         TEXT NOT NULL,
            groups       TEXT NOT NULL DEFAULT '[]',
            roles        TEXT NOT NULL DEFAULT '[]',
            secret_hash  BLOB NOT NULL CHECK (length(secret_hash) = 32),
            created_at   TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at   TEXT
        );
        CREATE INDEX IF NOT EXISTS api_keys_by_tenant ON api_keys(tenant_id, created_at);

        -- Where each tenant's index stands (IIndexStore.GetIndexVersionAsync): every applied write of the tenant adds
        -- one in its own transaction. Cached answers are keyed on it, so a tenant never written has no row (0).
        CREATE TABLE IF NOT EXISTS index_versions (
            tenant_id  TEXT PRIMARY KEY,
            changes    INTEGER NOT NULL CHECK (changes > 0),
            changed_at TEXT
        ) WITHOUT ROWID;

        """;

    private const string Footer = """
        INSERT OR IGNORE INTO schema_info(key, value) VALUES ('schema_version', '5');
        INSERT OR IGNORE INTO schema_info(key, value) VALUES ('change_counter', '0');
        """;

    // Version 2 to 3: versioned documents, pages and parent passages of chunks; the tables that are new in version 3
    // (parents, jobs, checkpoints) are then made by Create like on a new database.
    private const string MigrateFrom2 = """
        ALTER TABLE documents ADD COLUMN source_version INTEGER;
        ALTER TABLE chunks ADD COLUMN page INTEGER;
        ALTER TABLE chunks ADD COLUMN parent_ordinal INTEGER;
        UPDATE schema_info SET value = '3' WHERE key = 'schema_version';
        """;

    // Version 3 to 4: index_versions, made by Create. The number moves anyway so that a build older than the answer
    // cache refuses the file: it would write documents without counting, and answers cached on the unchanged version
    // would outlive the content they were built from.
    private const string MigrateFrom3 = """
        UPDATE schema_info SET value = '4' WHERE key = 'schema_version';
        """;

    // Version 4 to 5: the trace context a job was enqueued in, and the trace id, answer details and API key of audit records.
    // Nullable columns, so existing rows stay as they were (NULL: not recorded then). Adding a column changes no row
    // and fires no trigger: the audit log's triggers are kept as they are and still refuse every change. The jobs
    // tables are new in version 3; a version 2 file gets them, with these columns, from Create.
    private const string MigrateAuditFrom4 = """
        ALTER TABLE audit_log ADD COLUMN trace_id TEXT;
        ALTER TABLE audit_log ADD COLUMN generator TEXT;
        ALTER TABLE audit_log ADD COLUMN degraded INTEGER;
        ALTER TABLE audit_log ADD COLUMN cached INTEGER;
        ALTER TABLE audit_log ADD COLUMN api_key_id TEXT;
        """;

    private const string MigrateJobsFrom4 = """
        ALTER TABLE ingest_jobs ADD COLUMN trace_parent TEXT;
        ALTER TABLE ingest_jobs ADD COLUMN trace_state TEXT;
        """;

    // Only a version 4 file has index_versions before Create runs; older ones get it, with the column, from Create.
    private const string MigrateIndexFrom4 = "ALTER TABLE index_versions ADD COLUMN changed_at TEXT;";

    private const string MarkVersion5 = """
        UPDATE schema_info SET value = '5' WHERE key = 'schema_version';
        """;

    private const string MigrateFrom4 = MigrateAuditFrom4 + MigrateJobsFrom4 + MarkVersion5;

    /// <summary>Creates the schema on a new database, migrates an older one in place, or checks that an existing
    /// one is current; run inside the caller's write transaction, so a failed migration leaves the file as it was.
    /// Returns the version migrated from, or null when nothing was migrated.</summary>
    public static async Task<int?> EnsureAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        await Sql.ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);", cancellationToken)
            .ConfigureAwait(false);
        var found = await Sql.ScalarAsync<string>(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'", cancellationToken)
            .ConfigureAwait(false);
        int? migratedFrom = null;
        switch (found)
        {
            case null:
                break;
            case "2":
                await Sql.ExecuteAsync(connection, MigrateFrom2 + MigrateFrom3 + MigrateAuditFrom4 + MarkVersion5, cancellationToken)
                    .ConfigureAwait(false);
                migratedFrom = 2;
                break;
            case "3":
                await Sql.ExecuteAsync(connection, MigrateFrom3 + MigrateFrom4, cancellationToken).ConfigureAwait(false);
                migratedFrom = 3;
                break;
            case "4":
                await Sql.ExecuteAsync(connection, MigrateIndexFrom4 + MigrateFrom4, cancellationToken).ConfigureAwait(false);
                migratedFrom = 4;
                break;
            default:
                if (found != Version.ToString(CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException(
                        $"The database at {path} has schema version {found}; this build understands version {Version} (and migrates versions 2 to 4). " +
                        "Use a new data directory and ingest again (the index is rebuilt from the sources).");
                }

                break;
        }

        await Sql.ExecuteAsync(connection, Create, cancellationToken).ConfigureAwait(false);
        return migratedFrom;
    }
}
