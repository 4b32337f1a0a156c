#!/usr/bin/env bash
# First-start initialisation of the PostgreSQL of the compose stack and of the Kubernetes dev overlay (the official
# image runs /docker-entrypoint-initdb.d/* once, on an empty data directory). It creates what docs/scale-out.md asks a
# superuser to create: the unprivileged `verity` role (row-level security applies to it), its database, the pgvector
# extension, and the LEAKPROOF mark that lets lexical search use its index under row-level security.
# The image may source this file rather than run it: no `exit`, no shell options changed.

: "${VERITY_DB_PASSWORD:?VERITY_DB_PASSWORD must be set: the password of the verity role}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set=verity_password="$VERITY_DB_PASSWORD" <<'SQL'
CREATE ROLE verity LOGIN PASSWORD :'verity_password' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE verity OWNER verity;
\connect verity
CREATE EXTENSION IF NOT EXISTS vector;
ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
SQL
