-- Verity's PostgreSQL schema, migration 1: the index (generations, documents, chunks, parent passages).
--
-- The chunk vector column is not created here: its type depends on the embedding dimensions, which are known only
-- when the first index generation is created (PostgresIndexStore.InitializeAsync adds it, with its HNSW index).
--
-- Key columns are COLLATE "C": ids compare as bytes (code point order), like the SQLite store, whatever the database
-- collation is, so listings, continuation tokens and tie-breaks agree between the stores and use the indexes.
--
-- Each chunk row carries a copy of its document's title, uri, metadata and ACL. A document and all its chunks are
-- always rewritten in one transaction, so the copies cannot drift, and every search filter (tenant, metadata, ACL,
-- document ids) is then a condition on the chunk row alone: the HNSW scan filters candidates without a join, and the
-- ACL policy below is enforced by PostgreSQL on chunks themselves.

CREATE TABLE index_generations (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    embedding_model text NOT NULL,
    dimensions      integer NOT NULL CHECK (dimensions > 0),
    chunker_version text NOT NULL,
    -- How chunk vectors are stored, decided once when the generation is created: 'pgvector' (a vector column with
    -- an HNSW index) or 'exact' (real[], searched by a full scan).
    vector_storage  text NOT NULL CHECK (vector_storage IN ('pgvector', 'exact')),
    state           text NOT NULL CHECK (state IN ('building', 'live', 'retired')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_generations_one_live ON index_generations (state) WHERE state = 'live';

CREATE TABLE documents (
    tenant_id       text COLLATE "C" NOT NULL,
    id              text COLLATE "C" NOT NULL,
    title           text NOT NULL,
    uri             text,
    source          text COLLATE "C" NOT NULL,
    media_type      text NOT NULL,
    content_hash    text NOT NULL,
    metadata        jsonb NOT NULL DEFAULT '{}',
    -- Who may read it: everyone, or the principals ('user:…', 'group:…', 'role:…') listed in acl.
    acl_public      boolean NOT NULL,
    acl             text[] NOT NULL DEFAULT '{}',
    chunker_version text NOT NULL,
    embedding_model text NOT NULL,
    version         bigint NOT NULL,
    chunk_count     integer NOT NULL,
    text_length     bigint NOT NULL,
    -- The normalised text; large values live out of line (TOAST), so listings do not read them.
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    source_version  bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX documents_by_source ON documents (tenant_id, source, id);

CREATE TABLE chunk_parents (
    tenant_id   text COLLATE "C" NOT NULL,
    document_id text COLLATE "C" NOT NULL,
    generation  integer NOT NULL REFERENCES index_generations (id),
    ordinal     integer NOT NULL,
    text        text NOT NULL,
    acl_public  boolean NOT NULL,
    acl         text[] NOT NULL,
    PRIMARY KEY (tenant_id, document_id, generation, ordinal),
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE chunks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      text COLLATE "C" NOT NULL,
    document_id    text COLLATE "C" NOT NULL,
    generation     integer NOT NULL REFERENCES index_generations (id),
    ordinal        integer NOT NULL,
    token_count    integer NOT NULL,
    page           integer,
    parent_ordinal integer,
    heading_path   text NOT NULL,
    text           text NOT NULL,
    title          text NOT NULL,
    uri            text,
    metadata       jsonb NOT NULL,
    acl_public     boolean NOT NULL,
    acl            text[] NOT NULL,
    -- Title above heading above body, as the SQLite store's FTS weights them.
    tsv            tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('english'::regconfig, title), 'A')
                       || setweight(to_tsvector('english'::regconfig, heading_path), 'B')
                       || setweight(to_tsvector('english'::regconfig, text), 'C')) STORED,
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, document_id, generation, ordinal)
);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);

-- Cosine similarity of two unit-length vectors (their dot product), for the exact scan used without pgvector.
CREATE FUNCTION verity_dot(a real[], b real[]) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sum(x::double precision * y::double precision) FROM unnest(a, b) AS t(x, y)
$$;

-- Row-level security: the tenant wall on every table, and the document ACL on everything that carries document
-- text. The ACL policies are RESTRICTIVE, so they narrow what the tenant policy admits instead of widening it.
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_tenant ON documents
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
CREATE POLICY documents_acl ON documents AS RESTRICTIVE USING (verity_acl_visible(acl_public, acl));

ALTER TABLE chunk_parents ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunk_parents FORCE ROW LEVEL SECURITY;
CREATE POLICY chunk_parents_tenant ON chunk_parents
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
CREATE POLICY chunk_parents_acl ON chunk_parents AS RESTRICTIVE USING (verity_acl_visible(acl_public, acl));

ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY chunks_tenant ON chunks
    USING (verity_tenant_visible(tenant_id)) WITH CHECK (verity_tenant_visible(tenant_id));
CREATE POLICY chunks_acl ON chunks AS RESTRICTIVE USING (verity_acl_visible(acl_public, acl));

-- Under row-level security PostgreSQL uses a query condition as an index condition only when its function is
-- LEAKPROOF, and the full-text match (ts_match_vq, the @@ operator) is not marked so: without this, a role subject
-- to RLS searches the lexical index by filtering every chunk of the tenant instead of reading the GIN index.
-- ts_match_vq only compares its two arguments and raises no error that depends on them, so marking it is safe. Only
-- a superuser may; when the migration runs as an ordinary role this does nothing and the store logs how to do it.
DO $$
BEGIN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
